using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes.Deployments;
using Hangfire;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// The <see cref="Effects.EffectKind.Advance"/> effect: a queued run is prepared, a running one starts
/// its next stage or ends. Safe to carry out any number of times: it acts on what is persisted, and a
/// stage job for a stage already running (or done) leaves it alone. What an end sends (check runs of
/// the stages it skips, the PR comment, the listeners) follows as effects of the save.
/// </summary>
public sealed class RunAdvancer(
    PipelineStore store, IBackgroundJobClient jobs, PreviewPlacement previews, TimeProvider time)
{
    public async Task AdvanceAsync(long runId, CancellationToken cancellationToken)
    {
        var run = await store.FindRunAsync(runId, cancellationToken);
        if (run?.Status == RunStatus.Queued)
        {
            jobs.Enqueue<PrepareRunJob>(JobQueues.Default, j => j.RunAsync(runId, CancellationToken.None));
        }
        if (run?.Status != RunStatus.Running)
        {
            return;
        }
        var stages = run.Stages.OrderBy(s => s.Kind).ToList();
        if (stages.FirstOrDefault(s => s.Status == StageStatus.Completed && !s.Conclusion!.Value.IsPassing())
            is { } stopped)
        {
            await StopAsync(run, stages, stopped, cancellationToken);
        }
        else if (stages.FirstOrDefault(s => s.Status != StageStatus.Completed) is { } next)
        {
            // Queued: its turn. In progress: a worker that died is taken over (the stage job checks its lease).
            var queue = await QueueForAsync(run, next, cancellationToken);
            jobs.Enqueue<StageJob>(queue, j => j.RunAsync(next.Id, CancellationToken.None));
        }
        else
        {
            run.MoveTo(RunStatus.Succeeded, time.GetUtcNow(), stages[^1].Title);
            await store.TrySaveAsync(run, cancellationToken);
        }
    }

    /// <summary>
    /// Web-eval browses the run's preview, so it runs on the live node whose memory holds it, this one or another
    /// (anywhere else it would start a second copy); every other stage runs on whichever node is free.
    /// </summary>
    private async Task<string> QueueForAsync(
        PipelineRun run, PipelineStage stage, CancellationToken cancellationToken) =>
        stage.Kind == StageKind.WebEval && run.DeploymentId is { } deployment
            && await previews.LiveNodeOfAsync(deployment, cancellationToken) is { } node
            ? JobQueues.OfNode(node)
            : JobQueues.Default;

    private async Task StopAsync(PipelineRun run, List<PipelineStage> stages, PipelineStage stopped,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var stage in stages
            .Where(s => s.Kind > stopped.Kind && s.Status is StageStatus.Pending or StageStatus.Queued))
        {
            stage.Complete(StageConclusion.Neutral, $"Not run: {stopped.Kind.Slug()} did not pass",
                $"Not run because **{stopped.Kind.CheckRunName()}** ended `{stopped.Conclusion}`: {stopped.Title}",
                now);
        }
        var status = stopped.Conclusion switch
        {
            StageConclusion.Failure => RunStatus.Failed,
            StageConclusion.Cancelled => RunStatus.Cancelled,
            _ => RunStatus.ActionRequired,
        };
        run.MoveTo(status, now, $"{stopped.Kind.Slug()}: {stopped.Title}");
        await store.TrySaveAsync(run, cancellationToken);
    }
}
