using CodegenCicd.Pipelines.Effects;

namespace CodegenCicd.Pipelines.Runs;

/// <summary>
/// Every allowed status change of runs and stages, in one place. Code that changes a status asks
/// here first; an illegal change is a bug and throws rather than corrupting a run.
/// A change also writes what must follow it (<see cref="Transitions"/>): rows of the outbox that
/// <see cref="EffectProcessor"/> carries out once the change is saved.
/// </summary>
public static class PipelineStateMachine
{
    private static readonly Dictionary<RunStatus, RunStatus[]> RunTransitions = new()
    {
        [RunStatus.Queued] =
        [
            RunStatus.Running, RunStatus.AwaitingApproval, RunStatus.Failed, RunStatus.ActionRequired,
            RunStatus.Cancelled
        ],
        // A fork PR's run starts once a maintainer approves it, or ends when a new push or a close supersedes it.
        [RunStatus.AwaitingApproval] = [RunStatus.Running, RunStatus.Cancelled],
        [RunStatus.Running] =
        [
            RunStatus.Waiting, RunStatus.Succeeded, RunStatus.Failed, RunStatus.ActionRequired,
            RunStatus.Cancelled
        ],
        // The merge gate re-evaluates a waiting run on the next relevant event (label, review, checks).
        [RunStatus.Waiting] = [RunStatus.Running, RunStatus.Succeeded, RunStatus.Cancelled],
        // Re-runs (check_run.rerequested, "Re-run", the admin button) reopen a finished run.
        [RunStatus.Succeeded] = [RunStatus.Running],
        [RunStatus.Failed] = [RunStatus.Running],
        [RunStatus.ActionRequired] = [RunStatus.Running],
        [RunStatus.Cancelled] = [],
    };

    private static readonly Dictionary<StageStatus, StageStatus[]> StageTransitions = new()
    {
        [StageStatus.Pending] = [StageStatus.Queued, StageStatus.Completed],
        // InProgress -> Queued: an infrastructure error waits for a retry with back-off.
        [StageStatus.Queued] = [StageStatus.InProgress, StageStatus.Completed],
        // InProgress -> InProgress: a worker takes over an attempt whose worker died (stale heartbeat).
        [StageStatus.InProgress] = [StageStatus.InProgress, StageStatus.Queued, StageStatus.Completed],
        [StageStatus.Completed] = [StageStatus.Queued],
    };

    public static bool CanMove(RunStatus from, RunStatus to) => RunTransitions[from].Contains(to);

    public static bool CanMove(StageStatus from, StageStatus to) => StageTransitions[from].Contains(to);

    public static void EnsureCanMove(RunStatus from, RunStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A pipeline run cannot move from {from} to {to}.");
        }
    }

    public static void EnsureCanMove(StageStatus from, StageStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A pipeline stage cannot move from {from} to {to}.");
        }
    }

    /// <summary>The statuses a run may be in when it moves to <paramref name="to"/> (for guarded updates).</summary>
    public static RunStatus[] SourcesOf(RunStatus to) =>
        [.. RunTransitions.Where(t => t.Value.Contains(to)).Select(t => t.Key)];

    public static StageStatus[] SourcesOf(StageStatus to) =>
        [.. StageTransitions.Where(t => t.Value.Contains(to)).Select(t => t.Key)];
}

/// <summary>
/// Status changes on tracked entities, checked against the table above, with the effects that follow
/// them: a stage's new state goes to its check run; a run that waits, waits for approval or ends is
/// reported (PR comment, outcome listeners). Moving a run on (<see cref="RunEffects.Advance"/>), tearing
/// its preview down and re-checking a merge gate are asked for by the code that decides them.
/// </summary>
public static class Transitions
{
    public static void MoveTo(this PipelineRun run, RunStatus to, DateTimeOffset now, string? reason = null)
    {
        PipelineStateMachine.EnsureCanMove(run.Status, to);
        run.Status = to;
        run.StatusReason = reason;
        if (to == RunStatus.Running)
        {
            run.StartedAt ??= now;
            run.CompletedAt = null;
        }
        else if (to.IsFinal())
        {
            run.CompletedAt = now;
        }
        if (to == RunStatus.Cancelled)
        {
            run.ActiveKey = null;
        }
        if (to is RunStatus.Waiting or RunStatus.AwaitingApproval || to.IsFinal())
        {
            run.ReportRun(now);
        }
    }

    /// <param name="showOnGitHub">
    /// False when the check run keeps what it shows: it was just created queued, or a merge gate looks
    /// again and its check goes from its last decision straight to the new one (no flicker, no call).
    /// </param>
    public static void MoveTo(this PipelineStage stage, StageStatus to, DateTimeOffset now, bool showOnGitHub = true)
    {
        PipelineStateMachine.EnsureCanMove(stage.Status, to);
        var takeover = stage.Status == StageStatus.InProgress && to == StageStatus.InProgress;
        stage.Status = to;
        if (showOnGitHub)
        {
            stage.SyncCheckRun(now);
        }
        switch (to)
        {
            case StageStatus.Queued:
                stage.Conclusion = null;
                stage.CompletedAt = null;
                break;
            case StageStatus.InProgress:
                stage.Attempt++;
                // A takeover continues the same attempt's clock, so a stage whose workers keep
                // dying still reaches the watchdog's timeout instead of restarting it forever.
                stage.StartedAt = takeover ? stage.StartedAt ?? now : now;
                stage.HeartbeatAt = now;
                stage.CompletedAt = null;
                break;
            case StageStatus.Completed:
                stage.CompletedAt = now;
                break;
        }
    }

    public static void Complete(
        this PipelineStage stage, StageConclusion conclusion, string title, string summary, DateTimeOffset now)
    {
        stage.MoveTo(StageStatus.Completed, now);
        stage.Conclusion = conclusion;
        stage.Title = title;
        stage.Summary = summary;
    }

    /// <summary>Back to the start of the line for a re-run.</summary>
    public static void Requeue(this PipelineStage stage, DateTimeOffset now)
    {
        stage.MoveTo(StageStatus.Queued, now);
        stage.InfrastructureFailures = 0;
        stage.Title = null;
        stage.Summary = null;
        stage.Log = null;
        stage.AnnotationsJson = null;
        stage.ReportPath = null;
    }
}
