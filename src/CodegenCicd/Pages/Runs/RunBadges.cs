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
        RunStatus.ActionRequired => "action_required",
        RunStatus.Cancelled => "cancelled",
        RunStatus.Running => "in_progress",
        _ => "queued",
    };

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? $"{(e - s).TotalSeconds:F1} s" : start is not null ? "running" : "—";
}
