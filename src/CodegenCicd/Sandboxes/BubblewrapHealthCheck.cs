using CodegenCicd.Sandboxes.Local;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CodegenCicd.Sandboxes;

/// <summary>
/// Readiness fails without bubblewrap, or when it is there but cannot create namespaces (a
/// container started without the privileges it needs): no preview or analysis could run.
/// The trial run happens once; its answer does not change while the process lives.
/// </summary>
internal sealed class BubblewrapHealthCheck(Func<string?> findBubblewrap) : IHealthCheck
{
    private readonly Lazy<Task<string?>> trial = new(() => TryRunAsync(findBubblewrap()));

    public BubblewrapHealthCheck()
        : this(BubblewrapLauncher.FindBubblewrap)
    {
    }

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (findBubblewrap() is not { } path)
        {
            return HealthCheckResult.Unhealthy(LocalSandboxProvider.BubblewrapMissing);
        }
        return await trial.Value is { } problem
            ? HealthCheckResult.Unhealthy($"bubblewrap ({path}) cannot create a sandbox here: {problem}")
            : HealthCheckResult.Healthy(path);
    }

    private static async Task<string?> TryRunAsync(string? bwrap)
    {
        if (bwrap is null)
        {
            return null;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await HostCommand.RunAsync(bwrap,
                ["--ro-bind", "/", "/", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "true"], timeout.Token);
            return null;
        }
        catch (Exception ex)
            when (ex is HostCommandException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            return ex.Message + " (run as root, or allow unprivileged user namespaces)";
        }
    }
}
