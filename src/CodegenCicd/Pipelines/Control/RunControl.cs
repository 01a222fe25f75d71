using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Sandboxes;
using Hangfire;

namespace CodegenCicd.Pipelines.Control;

public enum ControlResult
{
    Done,
    NotFound,
    /// <summary>The run was cancelled or superseded: the PR's newer run is the one to act on.</summary>
    Cancelled,
    /// <summary>Nothing to do (already finished, still running, or not waiting).</summary>
    NotApplicable,
}

/// <summary>
/// Cancels, re-runs and re-evaluates runs. Each change is saved (guarded by the status) before
/// GitHub hears of it or a job is enqueued, so a crash in between is repaired by the next job run.
/// </summary>
public sealed class RunControl(
    PipelineStore store, CheckRunSync sync, RunFinisher finisher, StageCancellations cancellations,
    IPreviewDeployments deployments, IBackgroundJobClient jobs, TimeProvider time, ILogger<RunControl> logger)
{
    public async Task<ControlResult> CancelAsync(long runId, string reason, bool teardown, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return ControlResult.NotFound;
        }
        if (run.Status.IsFinal())
        {
            return run.Status == RunStatus.Cancelled ? ControlResult.Cancelled : ControlResult.NotApplicable;
        }
        var now = time.GetUtcNow();
        var open = run.Stages.Where(s => s.Status != StageStatus.Completed).ToList();
        foreach (var stage in open)
        {
            stage.Complete(StageConclusion.Cancelled, "Cancelled", $"Cancelled: {reason}", now);
        }
        run.MoveTo(RunStatus.Cancelled, now, reason);
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return await CancelAsync(runId, reason, teardown, cancellationToken);
        }
        foreach (var stage in open)
        {
            cancellations.Cancel(stage.Id);
            await sync.SyncAsync(run, stage, cancellationToken);
        }
        if (teardown)
        {
            await TeardownAsync(run, cancellationToken);
        }
        await finisher.FinishAsync(run, cancellationToken);
        return ControlResult.Done;
    }

    /// <summary>Runs <paramref name="from"/> and every stage after it again (all stages when null).</summary>
    public async Task<ControlResult> RerunAsync(long runId, StageKind? from, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return ControlResult.NotFound;
        }
        if (run.Status == RunStatus.Cancelled)
        {
            return ControlResult.Cancelled;
        }
        if (run.Status is RunStatus.Queued or RunStatus.Running)
        {
            return ControlResult.NotApplicable;
        }
        var now = time.GetUtcNow();
        var first = from ?? StageKind.Analysis;
        var again = run.Stages.Where(s => s.Kind >= first).OrderBy(s => s.Kind).ToList();
        foreach (var stage in again)
        {
            stage.Requeue(now);
        }
        if (run.MergedSha is null)
        {
            run.MergeAttemptSha = null;
        }
        run.MoveTo(RunStatus.Running, now, $"re-run from {first.Slug()}");
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return ControlResult.NotApplicable;
        }
        foreach (var stage in again)
        {
            await sync.SyncAsync(run, stage, cancellationToken);
        }
        jobs.Enqueue<StageJob>(JobQueues.Default, j => j.RunAsync(again[0].Id, CancellationToken.None));
        return ControlResult.Done;
    }

    /// <summary>"Merge now" on the merge check: merge without waiting for merge.auto or require_label.</summary>
    public async Task<ControlResult> RequestMergeAsync(long runId, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return ControlResult.NotFound;
        }
        if (run.Status is not (RunStatus.Waiting or RunStatus.Succeeded) || run.MergedSha is not null)
        {
            return run.Status == RunStatus.Cancelled ? ControlResult.Cancelled : ControlResult.NotApplicable;
        }
        run.MergeRequested = true;
        return await ReopenMergeAsync(run, "merge requested", cancellationToken);
    }

    /// <summary>A label, review or check changed: a waiting merge gate looks again.</summary>
    public async Task<ControlResult> ReevaluateMergeAsync(long runId, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return ControlResult.NotFound;
        }
        return run.Status == RunStatus.Waiting
            ? await ReopenMergeAsync(run, "re-evaluating the merge", cancellationToken)
            : ControlResult.NotApplicable;
    }

    private async Task<ControlResult> ReopenMergeAsync(PipelineRun run, string reason, CancellationToken cancellationToken)
    {
        var merge = run.Stages.Single(s => s.Kind == StageKind.Merge);
        var now = time.GetUtcNow();
        merge.MoveTo(StageStatus.Queued, now);
        // The check keeps showing why it waited until the gate decides again.
        merge.CheckRunSynced = true;
        run.MoveTo(RunStatus.Running, now, reason);
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return ControlResult.NotApplicable;
        }
        jobs.Enqueue<StageJob>(JobQueues.Default, j => j.RunAsync(merge.Id, CancellationToken.None));
        return ControlResult.Done;
    }

    private async Task TeardownAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        try
        {
            await deployments.TeardownAsync(run.Repository, run.PullRequest, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Teardown of {Repository}#{PullRequest} failed", run.Repository, run.PullRequest);
        }
    }
}
