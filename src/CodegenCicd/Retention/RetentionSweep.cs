using CodegenCicd.Hosting.Retention;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Retention;

/// <summary>
/// One pass of pruning, each kind through the feature that owns it. Safe to run twice, and on every node at once.
/// </summary>
public sealed class RetentionSweep(
    ArtifactRetention artifacts, PreviewRetention previews, StageLogRetention stageLogs,
    IOptions<RetentionOptions> options, TimeProvider time)
{
    private const long Megabyte = 1_048_576;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        artifacts.Prune(now.AddDays(-limits.ArtifactsMaxAgeDays), limits.ArtifactsMaxMegabytes * Megabyte);
        previews.PruneLogs(now.AddDays(-limits.LogsMaxAgeDays), limits.LogsMaxMegabytes * Megabyte);
        await stageLogs.PruneAsync(now.AddDays(-limits.LogsMaxAgeDays), cancellationToken);
        await previews.PruneStoppedAsync(now.AddDays(-limits.DeploymentsMaxAgeDays), cancellationToken);
    }
}

/// <summary>
/// Runs <see cref="RetentionSweep"/> every <c>Retention:IntervalSeconds</c> on every node: artifacts
/// and logs are on each node's own disk (the database parts are idempotent deletes). After each sweep,
/// and once at start-up, it measures what is left (<see cref="DiskUsage"/>) for the Overview.
/// </summary>
internal sealed class RetentionSweeper(
    IServiceScopeFactory scopes, DiskUsage usage, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host does not wait for a folder walk.
        await Task.Yield();
        await MeasureAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RetentionSweep>().RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Retention sweep failed");
            }
            await MeasureAsync(stoppingToken);
        }
    }

    private async Task MeasureAsync(CancellationToken stoppingToken)
    {
        try
        {
            await usage.MeasureAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Disk use not measured: {Reason}", e.Message);
        }
    }
}
