using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Pipelines.Checks;

/// <summary>A button on a check run (GitHub allows 3; label ≤ 20, description ≤ 40, identifier ≤ 20 chars).</summary>
public sealed record CheckRunButton(string Label, string Description, string Identifier)
{
    public const string RerunIdentifier = "rerun";
    public const string MergeNowIdentifier = "merge-now";
    public const string ApproveIdentifier = "approve";

    public static readonly CheckRunButton Rerun =
        new("Re-run", "Run this stage and the ones after it", RerunIdentifier);
    public static readonly CheckRunButton MergeNow =
        new("Merge now", "Merge now if GitHub allows it", MergeNowIdentifier);
    public static readonly CheckRunButton Approve =
        new("Approve and run", "Run this fork's code (write access)", ApproveIdentifier);
}

/// <summary>What a check run shows when a stage completes.</summary>
public sealed record CheckRunCompletion(
    StageConclusion Conclusion,
    string Title,
    string Summary,
    string? Text,
    IReadOnlyList<CodeAnnotation> Annotations,
    IReadOnlyList<CheckRunButton> Buttons);
