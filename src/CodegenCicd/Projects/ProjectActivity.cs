namespace CodegenCicd.Projects;

/// <summary>One stage of a run as a small badge on a card, e.g. ("deploy", "success").</summary>
public sealed record StageBadge(string Stage, string Status);

/// <summary>The most recent pipeline run of a project, as the dashboard shows it.</summary>
public sealed record RunSummary(
    long RunId,
    int PullRequest,
    string HeadSha,
    string Status,
    DateTimeOffset StartedAt,
    IReadOnlyList<StageBadge> Stages,
    string? PreviewPath,
    bool IsActive);

/// <summary>An open pull request and where its checks stand.</summary>
public sealed record PullRequestSummary(int Number, string Title, string Status);

/// <summary>A Codegen agent run that has not finished yet.</summary>
public sealed record AgentRunSummary(long AgentRunId, string Status, string Target);

/// <summary>What is happening in one project: latest run, open PRs, agent at work.</summary>
public sealed record ProjectActivity(
    RunSummary? LatestRun,
    IReadOnlyList<PullRequestSummary> OpenPullRequests,
    AgentRunSummary? ActiveAgentRun)
{
    public static ProjectActivity None { get; } = new(null, [], null);

    /// <summary>True while a pipeline run or an agent run is still working for the project.</summary>
    public bool HasWorkInProgress => LatestRun is { IsActive: true } || ActiveAgentRun is not null;
}

/// <summary>
/// Read side the dashboard needs from the pipeline and Codegen features, batched so 200 cards
/// cost one call. Those features register their implementation; until then the cards say "no runs yet".
/// </summary>
public interface IProjectActivity
{
    /// <summary>The projects' activity; it may be a moment old (at most what a cache keeps it for).</summary>
    Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken);

    /// <summary>
    /// One project's activity read now, for a decision that must not act on an old one (unpinning). An
    /// implementation that caches answers this from the database.
    /// </summary>
    async Task<ProjectActivity> GetCurrentAsync(int projectId, CancellationToken cancellationToken) =>
        (await GetAsync([projectId], cancellationToken)).GetValueOrDefault(projectId) ?? ProjectActivity.None;
}

/// <summary>The answer when no pipeline or agent feature is installed: nothing has run.</summary>
internal sealed class NoProjectActivity : IProjectActivity
{
    private static readonly IReadOnlyDictionary<int, ProjectActivity> Empty = new Dictionary<int, ProjectActivity>();

    public Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken) =>
        Task.FromResult(Empty);
}
