using CodegenCicd.Projects;

namespace CodegenCicd.Sandboxes;

/// <summary>What to check out: one commit of one pull request.</summary>
/// <param name="CloneUrl">The repository's clone URL (https, or file:// in tests).</param>
/// <param name="InstallationId">Used for the fetch's token; null for public or local repositories.</param>
/// <param name="Secrets">The project's secrets, injected as environment variables and masked in all output.</param>
public sealed record SandboxSource(
    int ProjectId,
    string Repository,
    int PullRequest,
    string HeadSha,
    Uri CloneUrl,
    long? InstallationId,
    IReadOnlyDictionary<string, string> Secrets,
    bool FromFork = false)
{
    /// <summary>
    /// Who wrote the code: a fork's snapshots are never restored
    /// for the repository's own branches, nor the other way round.
    /// </summary>
    public string Trust => FromFork ? "fork" : "repository";
}

/// <summary>One command's outcome; <see cref="OutputTail"/> is capped and has secrets masked.</summary>
public sealed record CommandResult(string Command, int ExitCode, TimeSpan Duration, string OutputTail, bool TimedOut);

public enum AnnotationLevel
{
    Notice,
    Warning,
    Failure,
}

/// <summary>A finding at a file and line, shaped like a GitHub check-run annotation.</summary>
public sealed record CodeAnnotation(
    string Path, int StartLine, int EndLine, AnnotationLevel Level, string Message, string? Title = null);

/// <param name="InfrastructureError">
/// True when the sandbox itself failed (not the author's code): report action_required, never failure.
/// </param>
public sealed record AnalysisResult(
    bool Succeeded,
    IReadOnlyList<CommandResult> Commands,
    IReadOnlyList<CodeAnnotation> Annotations,
    bool InfrastructureError = false,
    string? Error = null);

/// <param name="LocalUrl">Where the app answers on this host (what the browser checks).</param>
/// <param name="PreviewPath">The stable per-PR path served by this app, e.g. /preview/owner/repo/12/.</param>
public sealed record DeployResult(
    bool Succeeded,
    IReadOnlyList<CommandResult> Commands,
    bool SnapshotRestored,
    string? SnapshotKey,
    Uri? LocalUrl,
    string? PreviewPath,
    bool InfrastructureError = false,
    string? Error = null,
    int? DeploymentId = null);

/// <summary>
/// What web-eval may browse: the live address of a deployment of the run's own head, or why not.
/// </summary>
/// <param name="Woken">
/// The run's deployment had stopped (a restart, an idle sweep) and was started again for the evaluation.
/// </param>
public sealed record PreviewForEvaluation(
    Uri? Url, int? DeploymentId, bool Woken, string? Refusal, bool InfrastructureError = false);

/// <summary>
/// The seam the pipeline uses. Implemented in this folder on bubblewrap (the Local provider).
/// Calls are idempotent per (repository, PR, head SHA): a second DeployAsync for the same head
/// returns the running deployment.
/// </summary>
public interface IPreviewDeployments
{
    Task<AnalysisResult> AnalyzeAsync(SandboxSource source, AnalysisConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the analysis commands after the deploy's setup (restored from its snapshot when one
    /// matches), so tools that setup installs (<c>npx eslint</c> from node_modules) are there.
    /// Added next to the three-argument form; implementations without setup support fall back to it.
    /// </summary>
    Task<AnalysisResult> AnalyzeAsync(
        SandboxSource source, AnalysisConfig config, DeployConfig deploy, CancellationToken cancellationToken) =>
        AnalyzeAsync(source, config, cancellationToken);

    Task<DeployResult> DeployAsync(SandboxSource source, DeployConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the deploy's setup commands in a fresh sandbox (or restores their snapshot) and stops:
    /// the admin site's "Run now". Nothing is served; <see cref="DeployResult.LocalUrl"/> stays null.
    /// </summary>
    Task<DeployResult> PrepareAsync(SandboxSource source, DeployConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// The run's deployment (by id) as web-eval must see it: live on this node, serving the run's
    /// head. One that stopped is woken (or redeployed) first; one replaced by another head is refused,
    /// and so is an address that no longer belongs to the deployment. Implementations without
    /// deployment tracking answer with the address the deploy stage recorded.
    /// </summary>
    Task<PreviewForEvaluation> ForEvaluationAsync(int? deploymentId, SandboxSource source, DeployConfig config,
        Uri? deployedUrl, CancellationToken cancellationToken) =>
        Task.FromResult(deployedUrl is null
            ? new PreviewForEvaluation(null, null, false, "nothing was deployed")
            : new PreviewForEvaluation(deployedUrl, null, false, null));

    /// <summary>
    /// Whether <paramref name="url"/> is still where deployment <paramref name="deploymentId"/> answers; checked again
    /// right before browsing.
    /// </summary>
    bool Serves(int deploymentId, Uri url) => true;

    /// <summary>Stops the PR's deployment and removes its workspace; a no-op when there is none.</summary>
    Task TeardownAsync(string repository, int pullRequest, CancellationToken cancellationToken);
}
