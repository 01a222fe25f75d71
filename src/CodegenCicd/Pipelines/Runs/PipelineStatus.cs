namespace CodegenCicd.Pipelines.Runs;

/// <summary>Where a run is. Final: Succeeded, Failed, ActionRequired, Cancelled.</summary>
public enum RunStatus
{
    /// <summary>Rows exist; check runs and configuration not prepared yet.</summary>
    Queued,
    Running,
    /// <summary>
    /// Every stage passed; the merge gate waits for a label, a review, mergeability… and re-evaluates on the
    /// next relevant event.
    /// </summary>
    Waiting,
    Succeeded,
    Failed,
    ActionRequired,
    Cancelled,
    /// <summary>
    /// A fork PR by someone without write access: check runs exist, nothing of its code has run, and it
    /// waits for a maintainer's "Approve and run" (project setting <c>forks</c>). A new push asks again.
    /// </summary>
    AwaitingApproval,
}

/// <summary>The stages in order; each owns one check run.</summary>
public enum StageKind
{
    Analysis,
    Deploy,
    WebEval,
    Merge,
}

public enum StageStatus
{
    /// <summary>Row exists, check run not created yet.</summary>
    Pending,
    /// <summary>Check run created <c>queued</c>; waiting for its turn.</summary>
    Queued,
    InProgress,
    Completed,
}

/// <summary>GitHub's check-run conclusions.</summary>
public enum StageConclusion
{
    Success,
    Failure,
    Neutral,
    Cancelled,
    Skipped,
    TimedOut,
    ActionRequired,
}

public static class PipelineStatusExtensions
{
    public static bool IsFinal(this RunStatus status) =>
        status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.ActionRequired or RunStatus.Cancelled;

    /// <summary>Lets the next stage run.</summary>
    public static bool IsPassing(this StageConclusion conclusion) =>
        conclusion is StageConclusion.Success or StageConclusion.Neutral or StageConclusion.Skipped;

    /// <summary>The exact check-run names users require in branch protection (CONTRACT.md).</summary>
    public static string CheckRunName(this StageKind kind) => kind switch
    {
        StageKind.Analysis => "CodegenCICD / analysis",
        StageKind.Deploy => "CodegenCICD / deploy",
        StageKind.WebEval => "CodegenCICD / web-eval",
        _ => "CodegenCICD / merge",
    };

    public static string Slug(this StageKind kind) => kind switch
    {
        StageKind.Analysis => "analysis",
        StageKind.Deploy => "deploy",
        StageKind.WebEval => "web-eval",
        _ => "merge",
    };
}
