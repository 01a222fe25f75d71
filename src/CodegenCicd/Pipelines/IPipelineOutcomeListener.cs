namespace CodegenCicd.Pipelines;

public enum PipelineConclusion
{
    Success,
    Failure,
    ActionRequired,
    Cancelled,
}

/// <param name="FailureReport">Markdown an author (or an agent) can act on: failing stages' summaries,
/// console errors, failed commands with their output tails. Empty on success.</param>
public sealed record PipelineRunOutcome(
    long RunId,
    int ProjectId,
    string Repository,
    int PullRequest,
    string HeadBranch,
    string HeadSha,
    Uri? PullRequestUrl,
    PipelineConclusion Conclusion,
    string FailureReport);

/// <summary>
/// Told when a pipeline run reaches a final state (the Codegen fix loop is one listener).
/// Called by the outbox's processor (<see cref="Effects.EffectKind.ReportRun"/>), at least once: it may be
/// called twice for one outcome (a crash before the effect was marked done), so listeners must be idempotent per RunId.
/// </summary>
public interface IPipelineOutcomeListener
{
    Task OnRunCompletedAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken);
}
