using System.Linq.Expressions;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
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
    /// <summary>
    /// A fork PR's run whose code may not run until a maintainer approves it (or the project's <c>forks</c> policy
    /// lets it).
    /// </summary>
    AwaitsApproval,
}

/// <summary>Who carries out the GitHub updates and the teardown that follow a cancel or re-run.</summary>
public enum FollowUp
{
    /// <summary>The <see cref="EffectPump"/>: for requests, which answer once the change is saved.</summary>
    Job,
    /// <summary>The caller, now (webhook handlers); what fails is left to the pump's retries.</summary>
    Inline,
}

/// <summary>
/// Cancels, re-runs and re-evaluates runs. Each change is saved (guarded by the status) with the
/// effects that follow it, so a crash after the save loses nothing: GitHub, the job queue and the
/// sandbox hear of it from <see cref="EffectProcessor"/>.
/// </summary>
public sealed class RunControl(
    PipelineStore store, StageCancellations cancellations, EffectProcessor effects, EffectSignal signal,
    TimeProvider time)
{
    public async Task<ControlResult> CancelAsync(long runId, string reason, bool teardown, FollowUp followUp,
        CancellationToken cancellationToken)
    {
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
        if (teardown)
        {
            run.TearDownPreview(now);
        }
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
        await FollowUpAsync(runId, followUp, cancellationToken);
        return ControlResult.Done;
    }

    /// <summary>Runs <paramref name="from"/> and every stage after it again (all stages when null).</summary>
    public async Task<ControlResult> RerunAsync(long runId, StageKind? from, FollowUp followUp,
        CancellationToken cancellationToken)
    {
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
        if (run.Status == RunStatus.AwaitingApproval
            || (run.FromFork && run.ApprovedBy is null
                && !await ForkTrust.MayRunAsync(store.Db, run, cancellationToken)))
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
        // GitHub shows the stages queued (their effects come first), then the first one starts.
        run.Advance(now);
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return ControlResult.NotApplicable;
        }
        await FollowUpAsync(runId, followUp, cancellationToken);
        return ControlResult.Done;
    }

    /// <summary>"Merge now" on the merge check: merge without waiting for merge.auto or require_label.</summary>
    public async Task<ControlResult> RequestMergeAsync(long runId, CancellationToken cancellationToken)
    {
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
    /// <param name="onlyAfterAttempt">
    /// A scheduled re-check: only when the gate has not looked again since that attempt.
    /// </param>
    public async Task<ControlResult> ReevaluateMergeAsync(long runId, CancellationToken cancellationToken,
        int? onlyAfterAttempt = null)
    {
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

    /// <summary>
    /// Every waiting run of a pull request looks at its merge gate again (a label, review, edit or check suite
    /// changed). Most such deliveries find none; the query is compiled, as it runs for each of them (EF's
    /// per-call translation cache lookup was more than half of it in the peers benchmark).
    /// </summary>
    public async Task ReevaluateWaitingAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        var waiting = await WaitingOfPullRequest.ToListAsync(
            store.Db, repository.ToLowerInvariant(), pullRequest, cancellationToken);
        foreach (var id in waiting)
        {
            await ReevaluateMergeAsync(id, cancellationToken);
        }
    }

    private static readonly CompiledListQuery<string, int, long> WaitingOfPullRequest = new(
        (db, repository, pullRequest) => db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Status == RunStatus.Waiting && r.Repository.ToLower() == repository
                && r.PullRequest == pullRequest)
            .Select(r => r.Id));

    /// <summary>
    /// Every waiting run <paramref name="which"/> selects looks at its merge gate again (a check or status changed).
    /// </summary>
    public async Task ReevaluateWaitingAsync(Expression<Func<PipelineRun, bool>> which,
        CancellationToken cancellationToken)
    {
        var waiting = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Status == RunStatus.Waiting).Where(which)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in waiting)
        {
            await ReevaluateMergeAsync(id, cancellationToken);
        }
    }

    private async Task<ControlResult> ReopenMergeAsync(PipelineRun run, string reason,
        CancellationToken cancellationToken)
    {
        var merge = run.Stages.Single(s => s.Kind == StageKind.Merge);
        var now = time.GetUtcNow();
        // The check keeps showing why it waited until the gate decides again.
        merge.MoveTo(StageStatus.Queued, now, showOnGitHub: false);
        run.MoveTo(RunStatus.Running, now, reason);
        run.Advance(now);
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return ControlResult.NotApplicable;
        }
        await effects.ProcessRunAsync(run.Id, cancellationToken);
        return ControlResult.Done;
    }

    /// <summary>
    /// Carries out what a saved change left to do (also after an approval, see <see cref="RunApproval"/>).
    /// </summary>
    internal async Task FollowUpAsync(long runId, FollowUp followUp, CancellationToken cancellationToken)
    {
        if (followUp == FollowUp.Inline)
        {
            await effects.ProcessRunAsync(runId, cancellationToken);
        }
        else
        {
            signal.Wake();
        }
    }
}
