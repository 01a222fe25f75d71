using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using Octokit;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// What a stage found. <see cref="InfrastructureError"/> is retried, then reported as action_required.
/// </summary>
public sealed record StageOutcome(StageConclusion Conclusion, string Title, string Summary)
{
    public string? Log { get; init; }

    public IReadOnlyList<CodeAnnotation> Annotations { get; init; } = [];

    public string? ReportPath { get; init; }

    public bool InfrastructureError { get; init; }

    /// <summary>The merge gate waits for something that may change (a label, a review, mergeability).</summary>
    public bool Waiting { get; init; }

    /// <summary>Look again after this long even without an event (GitHub still computing mergeability).</summary>
    public TimeSpan? RecheckAfter { get; init; }

    public static StageOutcome Skipped(string reason) =>
        new(StageConclusion.Neutral, "Skipped: " + reason, $"Skipped: {reason}.");

    public static StageOutcome Infrastructure(string what) =>
        new(StageConclusion.ActionRequired, "Infrastructure error", what) { InfrastructureError = true };
}

/// <summary>
/// Everything a stage needs; <see cref="SaveRunAsync"/> persists changes it makes to the run (e.g. the deployment
/// URL).
/// </summary>
public sealed record StageContext(
    PipelineRun Run,
    PipelineStage Stage,
    PipelineConfig Config,
    Func<CancellationToken, Task<IGitHubClient>> GitHub,
    Func<CancellationToken, Task<SandboxSource>> Source,
    Func<CancellationToken, Task<bool>> SaveRunAsync);

/// <summary>
/// One stage's work. Executors are safe to run twice for one head (the sandbox and GitHub calls are idempotent).
/// </summary>
public interface IStageExecutor
{
    StageKind Kind { get; }

    Task<StageOutcome> ExecuteAsync(StageContext context, CancellationToken cancellationToken);
}
