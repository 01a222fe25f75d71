namespace CodegenCicd.Projects;

/// <summary>A pinned project as the projects admin API (<see cref="ProjectsApi"/>) answers it.</summary>
public sealed record ProjectResponse(
    int Id,
    string Repository,
    string DefaultBranch,
    bool IsActive,
    bool IsPrivate,
    DateTimeOffset UpdatedAt,
    RunSummary? LatestRun,
    IReadOnlyList<PullRequestSummary> OpenPullRequests,
    AgentRunSummary? ActiveAgentRun);

public sealed record PinProjectRequest(string? Repository);

public sealed record SecretValueRequest(string? Value);
