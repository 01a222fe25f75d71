using CodegenCicd.Data;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Recovery;

/// <summary>
/// Picks up, at start-up, every run a previous process left unfinished: the job storage may have
/// been lost with it, the database was not. Each unfinished run gets its next job enqueued again;
/// the jobs are idempotent, so re-enqueuing one that still exists does no harm.
/// </summary>
public sealed class PipelineRecovery(IServiceScopeFactory scopes, TimeProvider time, ILogger<PipelineRecovery> logger) : BackgroundService
{
    private readonly DateTimeOffset startedAt = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Runs created since this process started have their jobs already; only older ones were orphaned.
        var recovered = await RecoverAsync(scope.ServiceProvider, startedAt, stoppingToken);
        if (recovered > 0)
        {
            logger.LogInformation("Resumed {Count} unfinished pipeline runs", recovered);
        }
    }

    public static async Task<int> RecoverAsync(IServiceProvider services, DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var jobs = services.GetRequiredService<IBackgroundJobClient>();
        var runs = await db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages)
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running || !r.OutcomeNotified
                || r.Stages.Any(s => !s.CheckRunSynced && s.CheckRunId != null))
            .ToListAsync(cancellationToken);
        runs = [.. runs.Where(r => r.CreatedAt < createdBefore)];
        foreach (var run in runs)
        {
            if (run.Status == RunStatus.Queued)
            {
                jobs.Enqueue<PrepareRunJob>(JobQueues.Default, j => j.RunAsync(run.Id, CancellationToken.None));
                continue;
            }
            // Stages whose check run missed its last update, then the stage the run is at.
            var targets = run.Stages.Where(s => s.Status == StageStatus.Completed && !s.CheckRunSynced).Select(s => s.Id).ToList();
            if (run.Stages.OrderBy(s => s.Kind).FirstOrDefault(s => s.Status != StageStatus.Completed) is { } current)
            {
                targets.Add(current.Id);
            }
            else if (run.Stages.Count > 0)
            {
                targets.Add(run.Stages.MaxBy(s => s.Kind)!.Id);
            }
            foreach (var stageId in targets.Distinct())
            {
                jobs.Enqueue<StageJob>(JobQueues.Default, j => j.RunAsync(stageId, CancellationToken.None));
            }
        }
        return runs.Count;
    }
}
