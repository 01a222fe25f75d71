using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodegenCicd.Codegen.Api;

// The Codegen API's shapes (REFERENCE.md, Codegen API). Fields are snake_case on the wire; anything
// the API may omit is nullable, and unknown fields are ignored, so a new field never breaks a poll.

/// <summary>An agent run as <c>GET …/agent/run/{id}</c> returns it.</summary>
public sealed record CodegenAgentRun(
    long Id,
    long? OrganizationId,
    string? Status,
    [property: JsonConverter(typeof(LenientDateTimeConverter))] DateTimeOffset? CreatedAt,
    string? WebUrl,
    string? Result,
    string? Summary,
    string? SourceType,
    IReadOnlyList<CodegenPullRequest>? GithubPullRequests,
    JsonElement? Metadata)
{
    /// <summary>The status as a known value; unknown strings read as running (REFERENCE.md).</summary>
    public CodegenRunState State => CodegenRunStates.Parse(Status);

    public IReadOnlyList<CodegenPullRequest> PullRequests => GithubPullRequests ?? [];
}

/// <summary>One entry of <c>github_pull_requests</c>: the PRs a run opened.</summary>
public sealed record CodegenPullRequest(
    long? Id,
    string? Title,
    string? Url,
    [property: JsonConverter(typeof(LenientDateTimeConverter))] DateTimeOffset? CreatedAt,
    string? HeadBranchName);

/// <summary>A page of a listing: <c>{items, total, page, size, pages}</c>.</summary>
public sealed record CodegenPage<T>(IReadOnlyList<T>? Items, int? Total, int? Page, int? Size, int? Pages);

/// <summary>A repository of the organization: <c>owner/repo</c> maps to <c>repo_id</c>.</summary>
public sealed record CodegenRepository(long Id, string? Name, string? FullName);

/// <summary>One trace entry from the alpha logs endpoint.</summary>
public sealed record CodegenLogEntry(
    long? AgentRunId,
    [property: JsonConverter(typeof(LenientDateTimeConverter))] DateTimeOffset? CreatedAt,
    string? MessageType,
    string? Thought,
    string? ToolName,
    JsonElement? ToolInput,
    JsonElement? ToolOutput,
    JsonElement? Observation);

/// <summary><c>GET /v1/alpha/…/agent/run/{id}/logs</c>: the run plus a page of its logs.</summary>
public sealed record CodegenRunLogs(
    long Id,
    string? Status,
    string? Result,
    IReadOnlyList<CodegenLogEntry>? Logs,
    int? TotalLogs,
    int? Page,
    int? Size,
    int? Pages)
{
    public IReadOnlyList<CodegenLogEntry> Entries => Logs ?? [];
}

/// <summary>Body of <c>POST …/agent/run</c>; <c>prompt</c> is the only required field.</summary>
public sealed record CreateAgentRunRequest(
    string Prompt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RepoId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, object>? Metadata = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null);

/// <summary>Body of <c>POST …/agent/run/resume</c>: the only way to send a follow-up.</summary>
public sealed record ResumeAgentRunRequest(long AgentRunId, string Prompt);
