using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pages.Runs;

/// <summary>Status words and badge classes shared by the runs pages (the stylesheet uses GitHub's conclusion names).</summary>
public static class RunBadges
{
    public static string For(PipelineStage stage) => stage.Conclusion switch
    {
        StageConclusion.TimedOut => "timed_out",
        StageConclusion.ActionRequired => "action_required",
        { } conclusion => conclusion.ToString().ToLowerInvariant(),
        null => stage.Status == StageStatus.InProgress ? "in_progress" : "queued",
    };

    public static string For(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "success",
        RunStatus.Failed => "failure",
        RunStatus.ActionRequired or RunStatus.AwaitingApproval => "action_required",
        RunStatus.Cancelled => "cancelled",
        RunStatus.Running => "in_progress",
        _ => "queued",
    };

    /// <summary>The words on a badge: "in progress", "action required" (not the enum's InProgress).</summary>
    public static string Label(PipelineStage stage) => Words(stage.Conclusion?.ToString() ?? stage.Status.ToString());

    public static string Label(RunStatus status) => Words(status.ToString());

    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? $"{(e - s).TotalSeconds:F1} s" : start is not null ? "running" : "—";
}
