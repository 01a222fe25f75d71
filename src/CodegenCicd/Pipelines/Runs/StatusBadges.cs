namespace CodegenCicd.Pipelines.Runs;

/// <summary>
/// The one mapping of run and stage statuses to the words the site's badges use: GitHub's check
/// conclusions (success, failure, in_progress…), plus "waiting" for a run held at the merge gate.
/// The dashboard cards and the runs pages both show these, so a run reads the same everywhere.
/// </summary>
public static class StatusBadges
{
    public static string For(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "success",
        RunStatus.Failed => "failure",
        RunStatus.ActionRequired => "action_required",
        RunStatus.Cancelled => "cancelled",
        RunStatus.Running => "in_progress",
        RunStatus.Waiting => "waiting",
        // A person must act (approve the fork PR's run) before anything runs.
        RunStatus.AwaitingApproval => "action_required",
        _ => "queued",
    };

    public static string For(StageStatus status, StageConclusion? conclusion) => conclusion switch
    {
        StageConclusion.TimedOut => "timed_out",
        StageConclusion.ActionRequired => "action_required",
        { } done => done.ToString().ToLowerInvariant(),
        null => status == StageStatus.InProgress ? "in_progress" : "queued",
    };
}
