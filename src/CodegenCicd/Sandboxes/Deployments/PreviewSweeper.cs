using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Runs <see cref="PreviewSweep"/> every <c>Sandbox:SweepIntervalSeconds</c> on every node. Not a
/// Hangfire recurring job: that runs on whichever node picks it up, while previews, snapshots and
/// logs live on each node's own disk and in its own memory, so each node must sweep its own.
/// </summary>
internal sealed class PreviewSweeper(
    IServiceScopeFactory scopes, IOptions<SandboxOptions> options, TimeProvider time, ILogger<PreviewSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<PreviewSweep>().RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again; one bad preview must not stop the sweeping.
                logger.LogError(e, "Preview sweep failed");
            }
        }
    }
}
