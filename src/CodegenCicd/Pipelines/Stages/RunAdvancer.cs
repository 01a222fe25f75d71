using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Runs;
using Hangfire;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Moves a run to its next stage or to its end. Safe to call any number of times: it only acts on
/// what is persisted, and enqueuing a stage that is already running is a no-op for the stage job.
/// </summary>
public sealed class RunAdvancer(PipelineStore store, CheckRunSync sync, RunFinisher finisher, IBackgroundJobClient jobs, TimeProvider time)
{
    public async Task AdvanceAsync(long runId, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return;
        }
        if (run.Status != RunStatus.Running)
        {
            await finisher.FinishAsync(run, cancellationToken);
            return;
        }
        var stages = run.Stages.OrderBy(s => s.Kind).ToList();
        var stopped = stages.FirstOrDefault(s => s.Status == StageStatus.Completed && !s.Conclusion!.Value.IsPassing());
        if (stopped is not null)
        {
            await StopAsync(run, stages, stopped, cancellationToken);
            return;
        }
        var next = stages.FirstOrDefault(s => s.Status != StageStatus.Completed);
        if (next is null)
        {
            run.MoveTo(RunStatus.Succeeded, time.GetUtcNow(), stages[^1].Title);
            if (await store.TrySaveAsync(run, cancellationToken))
            {
                await finisher.FinishAsync(run, cancellationToken);
            }
            return;
        }
        if (next.Status == StageStatus.Queued)
        {
            jobs.Enqueue<StageJob>(JobQueues.Default, j => j.RunAsync(next.Id, CancellationToken.None));
        }
    }

    private async Task StopAsync(PipelineRun run, List<PipelineStage> stages, PipelineStage stopped, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rest = stages.Where(s => s.Kind > stopped.Kind && s.Status is StageStatus.Pending or StageStatus.Queued).ToList();
        foreach (var stage in rest)
        {
            stage.Complete(StageConclusion.Neutral, $"Not run: {stopped.Kind.Slug()} did not pass",
                $"Not run because **{stopped.Kind.CheckRunName()}** ended `{stopped.Conclusion}`: {stopped.Title}", now);
        }
        var status = stopped.Conclusion switch
        {
            StageConclusion.Failure => RunStatus.Failed,
            StageConclusion.Cancelled => RunStatus.Cancelled,
            _ => RunStatus.ActionRequired,
        };
        run.MoveTo(status, now, $"{stopped.Kind.Slug()}: {stopped.Title}");
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return;
        }
        foreach (var stage in rest)
        {
            await sync.SyncAsync(run, stage, cancellationToken);
        }
        await finisher.FinishAsync(run, cancellationToken);
    }
}
