using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>
/// /readyz's word on sandbox isolation: unhealthy when sandboxes cannot get the network they are
/// configured for (slirp4netns missing), degraded when they run with less than documented
/// (per-process rlimits instead of cgroups, no seccomp filter), with the reason.
/// </summary>
internal sealed class SandboxIsolationHealthCheck(SandboxIsolation isolation) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var description = isolation.Describe();
        if (isolation.Network.Problem is { } network)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{network} ({description})"));
        }
        return Task.FromResult(isolation.Problems is { Count: > 0 } problems
            ? HealthCheckResult.Degraded($"{string.Join("; ", problems)} ({description})")
            : HealthCheckResult.Healthy(description));
    }
}
