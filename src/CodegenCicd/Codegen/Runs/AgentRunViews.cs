namespace CodegenCicd.Codegen.Runs;

// What the admin API and pages show of agent runs (explicit mapping, no entity leaves the feature).

public sealed record AgentRunListItem(
    int Id,
    int ProjectId,
    string Repository,
    string Target,
    AgentRunStatus Status,
    string StatusLabel,
    string? CodegenStatus,
    long? CodegenRunId,
    string? WebUrl,
    int Iterations,
    int PullRequests,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record AgentRunHistoryItem(DateTimeOffset At, AgentRunStatus Status, string? CodegenStatus, string Note);

public sealed record AgentRunPullRequestItem(string Url, string? Title, string? HeadBranch,
    string? LastPipelineConclusion, long? LastPipelineRunId);

public sealed record AgentRunIterationItem(int Number, long PipelineRunId, string? PullRequestUrl, string HeadSha,
    string Report, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, bool LimitReached);

public sealed record AgentRunDetails(
    int Id,
    int ProjectId,
    string Repository,
    string Target,
    string PlanningStatement,
    string Prompt,
    bool AutoConfirm,
    AgentRunStatus Status,
    string StatusLabel,
    string? CodegenStatus,
    long? CodegenRunId,
    string? WebUrl,
    string? Plan,
    string? Result,
    string? Error,
    int Iterations,
    int MaxIterations,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextPollAt,
    IReadOnlyList<AgentRunHistoryItem> History,
    IReadOnlyList<AgentRunPullRequestItem> PullRequests,
    IReadOnlyList<AgentRunIterationItem> IterationList)
{
    public bool CanAnswerPlan => Status == AgentRunStatus.AwaitingConfirmation;
}
