using CodegenCicd.Sandboxes.Local;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CodegenCicd.Sandboxes;

/// <summary>Readiness fails without bubblewrap: no preview or analysis could run.</summary>
internal sealed class BubblewrapHealthCheck(Func<string?> findBubblewrap) : IHealthCheck
{
    public BubblewrapHealthCheck()
        : this(BubblewrapLauncher.FindBubblewrap)
    {
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(findBubblewrap() is { } path
            ? HealthCheckResult.Healthy(path)
            : HealthCheckResult.Unhealthy(LocalSandboxProvider.BubblewrapMissing));
}
