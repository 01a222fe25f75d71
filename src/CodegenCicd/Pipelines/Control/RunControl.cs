using System.Linq.Expressions;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Control;

public enum ControlResult
{
    Done,
    NotFound,
    /// <summary>The run was cancelled or superseded: the PR's newer run is the one to act on.</summary>
    Cancelled,
    /// <summary>Nothing to do (already finished, still running, or not waiting).</summary>
    NotApplicable,
    /// <summary>A fork PR's run whose code may not run until a maintainer approves it (or the project's <c>forks</c> policy lets it).</summary>
    AwaitsApproval,
}

/// <summary>Where the GitHub updates and the teardown that follow a cancel or re-run happen.</summary>
public enum FollowUp
{
    /// <summary>In a <see cref="RunControlJob"/>: for requests, which answer once the change is saved.</summary>
    Job,
    /// <summary>Now, in the caller's job (webhook handlers), falling back to a <see cref="RunControlJob"/> when it fails.</summary>
    Inline,
}

/// <summary>
/// Cancels, re-runs and re-evaluates runs. Each change is saved (guarded by the status) before
/// GitHub hears of it or a job is enqueued, so a crash in between is repaired by the next job run.
/// Only the database change happens here; GitHub and the sandbox are told by <see cref="RunControlJob"/>.
/// </summary>
public sealed class RunControl(
    PipelineStore store, StageCancellations cancellations, RunControlJob followUps, IBackgroundJobClient jobs, TimeProvider time, ILogger<RunControl> logger)
{
    public async Task<ControlResult> CancelAsync(long runId, string reason, bool teardown, FollowUp followUp, CancellationToken cancellationToken)
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
            return await CancelAsync(runId, reason, teardown, followUp, cancellationToken);
        }
        // Stops a stage running in this process now; one running on another node notices at its
        // next heartbeat, which no longer finds its attempt in progress.
        foreach (var stage in open)
        {
            cancellations.Cancel(stage.Id);
        }
        await FollowUpAsync(runId, teardown, followUp, cancellationToken);
        return ControlResult.Done;
    }

    /// <summary>Runs <paramref name="from"/> and every stage after it again (all stages when null).</summary>
    public async Task<ControlResult> RerunAsync(long runId, StageKind? from, FollowUp followUp, CancellationToken cancellationToken)
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
        if (run.Status == RunStatus.AwaitingApproval || (run.FromFork && run.ApprovedBy is null && !await ForkTrust.MayRunAsync(store.Db, run, cancellationToken)))
        {
            // A re-run is not a way around the approval (or around forks: skip).
            return ControlResult.AwaitsApproval;
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
        // The follow-up shows the stages queued on GitHub, then enqueues the first one.
        await FollowUpAsync(runId, teardown: false, followUp, cancellationToken);
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
    /// <param name="onlyAfterAttempt">A scheduled re-check: only when the gate has not looked again since that attempt.</param>
    public async Task<ControlResult> ReevaluateMergeAsync(long runId, CancellationToken cancellationToken, int? onlyAfterAttempt = null)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return ControlResult.NotFound;
        }
        if (onlyAfterAttempt is { } attempt && run.Stages.Single(s => s.Kind == StageKind.Merge).Attempt != attempt)
        {
            return ControlResult.NotApplicable;
        }
        return run.Status == RunStatus.Waiting
            ? await ReopenMergeAsync(run, "re-evaluating the merge", cancellationToken)
            : ControlResult.NotApplicable;
    }

    /// <summary>Every waiting run <paramref name="which"/> selects looks at its merge gate again (a label, review, check or status changed).</summary>
    public async Task ReevaluateWaitingAsync(Expression<Func<PipelineRun, bool>> which, CancellationToken cancellationToken)
    {
        var waiting = await store.Db.Set<PipelineRun>().AsNoTracking().Where(r => r.Status == RunStatus.Waiting).Where(which)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in waiting)
        {
            await ReevaluateMergeAsync(id, cancellationToken);
        }
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

    /// <summary>Tells GitHub and the job queue about a saved change (also after an approval, see <see cref="Forks.RunApproval"/>).</summary>
    internal async Task FollowUpAsync(long runId, bool teardown, FollowUp followUp, CancellationToken cancellationToken)
    {
        if (followUp == FollowUp.Inline)
        {
            try
            {
                await followUps.RunAsync(runId, teardown, cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The change is saved; failing the caller (a webhook delivery) would not bring it back.
                logger.LogWarning(e, "Follow-up of run {RunId} failed; a job retries it", runId);
            }
        }
        jobs.Enqueue<RunControlJob>(JobQueues.Default, j => j.RunAsync(runId, teardown, CancellationToken.None));
    }
}
