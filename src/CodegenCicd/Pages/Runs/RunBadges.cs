using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pages.Runs;

/// <summary>Badge classes, words and durations shared by the runs pages.</summary>
public static class RunBadges
{
    /// <summary>The badge class (<see cref="StatusBadges"/>, the same words the dashboard uses).</summary>
    public static string For(PipelineStage stage) => StatusBadges.For(stage.Status, stage.Conclusion);

    public static string For(RunStatus status) => StatusBadges.For(status);

    /// <summary>The words on a badge: "in progress", "action required" (not the enum's InProgress).</summary>
    public static string Label(PipelineStage stage) => Words(stage.Conclusion?.ToString() ?? stage.Status.ToString());

    public static string Label(RunStatus status) => Words(status.ToString());

    private static string Words(string name) =>
        string.Concat(name.Select((c, i) =>
            i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? $"{(e - s).TotalSeconds:F1} s" : start is not null ? "running" : "—";
}
