using CodegenCicd.Projects;

namespace CodegenCicd.Sandboxes.Waking;

/// <summary>
/// What a pull request's preview should be, asked of the feature that knows pull requests (the
/// pipeline): whether the PR is still open, its head commit, and how to deploy it.
/// </summary>
public interface IPreviewTargets
{
    /// <summary>The PR's latest known state, or null when no run of it is known.</summary>
    Task<PreviewTarget?> FindAsync(string repository, int pullRequest, CancellationToken cancellationToken);
}

/// <param name="ClosedAt">When GitHub said the PR was closed; null while it is open.</param>
/// <param name="Merged">The PR was merged (closed by a merge) rather than closed unmerged.</param>
/// <param name="Deploy">
/// Loads the source (with the project's secrets) and deploy configuration, only when a wake needs them.
/// </param>
public sealed record PreviewTarget(
    string Repository,
    int PullRequest,
    string HeadSha,
    DateTimeOffset? ClosedAt,
    bool Merged,
    bool Deployable,
    Func<CancellationToken, Task<(SandboxSource Source, DeployConfig Config)>> Deploy);
