using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Sandboxes;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Control;

/// <summary>
/// What a cancel or re-run leaves to do once its state change is saved: push the changed stages to
/// their check runs, then either start the re-run or finish the run (PR comment, outcome listeners)
/// and tear its preview down. Everything it does is decided by persisted flags, so a retry repeats
/// nothing already done: synced stages (<see cref="PipelineStage.CheckRunSynced"/>) are skipped, a
/// notified run (<see cref="PipelineRun.OutcomeNotified"/>) is not finished again. A check-run update
/// GitHub refuses leaves the stage unsynced for the watchdog, like every other stage; a failed
/// teardown fails the job, which Hangfire retries.
/// </summary>
[AutomaticRetry(Attempts = 5)]
public sealed class RunControlJob(
    PipelineStore store, CheckRunSync sync, RunAdvancer advancer, RunFinisher finisher, IPreviewDeployments deployments, ILogger<RunControlJob> logger)
{
    public async Task RunAsync(long runId, bool teardown, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return;
        }
        // A stage in progress belongs to its stage job, which pushes its own state; pushing a stale
        // copy here could overwrite a newer one on GitHub.
        foreach (var stage in run.Stages.OrderBy(s => s.Kind).Where(s => !s.CheckRunSynced && s.Status is StageStatus.Queued or StageStatus.Completed))
        {
            await sync.SyncAsync(run, stage, cancellationToken);
        }
        if (run.Status == RunStatus.Running)
        {
            // A re-run: its first stage is enqueued only now, after GitHub showed the stages queued.
            await advancer.AdvanceAsync(run.Id, cancellationToken);
            return;
        }
        if (!run.OutcomeNotified)
        {
            await finisher.FinishAsync(run, cancellationToken);
        }
        if (teardown && run.Status == RunStatus.Cancelled && !await PreviewTakenOverAsync(run, cancellationToken))
        {
            await deployments.TeardownAsync(run.Repository, run.PullRequest, cancellationToken);
            logger.LogInformation("Preview of {Repository}#{PullRequest} torn down after run {RunId} was cancelled", run.Repository, run.PullRequest, run.Id);
        }
    }

    /// <summary>
    /// The preview is per pull request: once a newer run of it has started deploying, the preview is
    /// that run's, and a late teardown for this one (a queued or retried job) must leave it alone.
    /// </summary>
    private Task<bool> PreviewTakenOverAsync(PipelineRun run, CancellationToken cancellationToken) =>
        store.Db.Set<PipelineRun>().AnyAsync(r => r.ProjectId == run.ProjectId && r.PullRequest == run.PullRequest && r.Id > run.Id
            && r.Status != RunStatus.Cancelled && r.Stages.Any(s => s.Kind == StageKind.Deploy && s.StartedAt != null), cancellationToken);
}
