using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CodegenCicd.WebEval.Reports;

/// <summary>
/// Everything one evaluation found, written as <c>report.json</c> beside its screenshots.
/// Artefact paths (screenshots) are file names relative to that folder.
/// </summary>
public sealed record WebEvalReport
{
    public required WebEvalVerdict Verdict { get; init; }

    /// <summary>One line: why this verdict.</summary>
    public required string Summary { get; init; }

    /// <summary>Where the browser reached the preview: an internal loopback address, never shown as a link.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>
    /// The preview link people can open (the stable <c>/preview/{owner}/{repo}/{pr}/</c> path on the public URL);
    /// null when unknown.
    /// </summary>
    public Uri? PreviewUrl { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationMs { get; init; }

    public IReadOnlyList<PageResult> Pages { get; init; } = [];

    public AgentResult? Agent { get; init; }

    /// <summary>Set when the evaluation itself could not run to the end (browser crash, budget).</summary>
    public string? Error { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

public sealed record PageResult
{
    /// <summary>The path as configured, or the link's path when it was followed.</summary>
    public required string Path { get; init; }

    public required Uri Url { get; init; }

    /// <summary>The page whose link led here; null for configured pages.</summary>
    public string? LinkedFrom { get; init; }

    public bool Passed { get; init; }

    /// <summary>HTTP status of the document; null when no response arrived.</summary>
    public int? Status { get; init; }

    /// <summary>
    /// Why the page did not load (e.g. "net::ERR_CONNECTION_REFUSED", "did not finish loading within 30 s").
    /// </summary>
    public string? LoadFailure { get; init; }

    public double? LoadMs { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<ConsoleIssue> ConsoleErrors { get; init; } = [];

    public IReadOnlyList<FailedRequest> FailedRequests { get; init; } = [];

    public IReadOnlyList<ExpectationResult> Expectations { get; init; } = [];

    /// <summary>Full-page screenshot file name.</summary>
    public string? Screenshot { get; init; }
}

public enum ConsoleIssueKind
{
    ConsoleError,
    UncaughtException,
}

/// <param name="Location">"url:line:column" when the browser knows it.</param>
public sealed record ConsoleIssue(ConsoleIssueKind Kind, string Message, string? Location);

/// <param name="Status">HTTP status, null on a network failure (then <paramref name="Failure"/> says why).</param>
public sealed record FailedRequest(string Method, string Url, int? Status, string? Failure, string ResourceType);

public sealed record ExpectationResult(string Description, bool Met, string? Detail);

public enum AgentStatus
{
    /// <summary>No task, or Gemini not configured.</summary>
    Skipped,
    /// <summary>The agent called done with a verdict.</summary>
    Finished,
    /// <summary>Step or time limit reached before done.</summary>
    LimitReached,
    /// <summary>Gemini refused or kept answering unusably; the browser died.</summary>
    Error,
}

public sealed record AgentResult
{
    public required string Task { get; init; }

    public required AgentStatus Status { get; init; }

    /// <summary>The agent's verdict when it finished: true when the task worked.</summary>
    public bool? TaskPassed { get; init; }

    /// <summary>The agent's conclusion, or why the run ended without one.</summary>
    public required string Reason { get; init; }

    public IReadOnlyList<AgentStep> Steps { get; init; } = [];

    /// <summary>Console errors and uncaught exceptions seen while the agent worked (it was told about each).</summary>
    public IReadOnlyList<ConsoleIssue> ConsoleErrors { get; init; } = [];

    /// <summary>Requests that failed while the agent worked, e.g. the form's POST answering 500.</summary>
    public IReadOnlyList<FailedRequest> FailedRequests { get; init; } = [];
}

/// <param name="Action">Function Gemini called; null when the reply held no call.</param>
/// <param name="Reasoning">The reply's text parts, the model's explanation.</param>
/// <param name="Result">What the browser did: "ok", the error, or the problem with the reply.</param>
/// <param name="Problem">Set when the reply was unusable (malformed, unknown function, bad arguments).</param>
public sealed record AgentStep(
    int Number,
    string? Action,
    JsonObject? Arguments,
    string? Reasoning,
    string Result,
    string? Problem,
    string? Url,
    string? Screenshot);
