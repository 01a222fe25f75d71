using System.Text.Json;
using System.Text.Json.Serialization;
using CodegenCicd.Hosting.Api;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CodegenCicd.Projects;

/// <summary>
/// A project's settings from the admin site: the repository-file keys (CONTRACT.md) plus the
/// agent settings. Stored as one JSON column; <c>.github/codegen-cicd.yml</c> overrides it key by key.
/// </summary>
public sealed record ProjectSettings
{
    public string PlanningStatement { get; init; } = "";

    public bool AutoConfirmPlans { get; init; }

    public int MaxIterations { get; init; } = 3;

    /// <summary>The branch the Deploy tab's "Run now" checks out; empty means the default branch.</summary>
    public string DeployTestBranch { get; init; } = "";

    public PipelineConfig Pipeline { get; init; } = new();

    /// <summary>
    /// What happens to pull requests from forks. Only the admin site and API set it: the repository file
    /// is written by the very people it would let in, so it has no such key.
    /// </summary>
    public ForkPolicy Forks { get; init; } = ForkPolicy.Approve;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    internal static readonly ValueConverter<ProjectSettings, string> Converter = new(
        v => JsonSerializer.Serialize(v, Json),
        v => JsonSerializer.Deserialize<ProjectSettings>(v, Json) ?? new ProjectSettings());

    internal static readonly ValueComparer<ProjectSettings> Comparer = new(
        (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
        v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<ProjectSettings>(JsonSerializer.Serialize(v, Json), Json)!);
}

/// <summary>The keys of <c>.github/codegen-cicd.yml</c> (CONTRACT.md, Repository configuration file).</summary>
public sealed record PipelineConfig
{
    public DeployConfig Deploy { get; init; } = new();

    public AnalysisConfig Analysis { get; init; } = new();

    public WebEvalConfig WebEval { get; init; } = new();

    public MergeConfig Merge { get; init; } = new();
}

public sealed record DeployConfig
{
    /// <summary>Run once per snapshot; the snapshot key includes the lockfiles.</summary>
    public IReadOnlyList<string> Setup { get; init; } = [];

    /// <summary>Serves the app; <c>$PORT</c> is set. Empty: nothing to deploy.</summary>
    public string? Start { get; init; }

    public string ReadyPath { get; init; } = "/";

    public int TimeoutSeconds { get; init; } = 600;
}

public sealed record AnalysisConfig
{
    public IReadOnlyList<string> Commands { get; init; } = [];
}

public sealed record WebEvalConfig
{
    public IReadOnlyList<string> Pages { get; init; } = ["/"];

    /// <summary>AI-driven task, run when Gemini is configured.</summary>
    public string? Task { get; init; }

    /// <summary>Same-origin links found on the pages are followed this many levels deep (0: none).</summary>
    public int FollowLinks { get; init; }

    /// <summary>
    /// What must be on a page besides loading cleanly, keyed by its path (as in <see cref="Pages"/>); a page may
    /// have several. In JSON one expectation alone may be written without the list (settings stored before lists).
    /// </summary>
    [JsonConverter(typeof(PageExpectationsJsonConverter))]
    public IReadOnlyDictionary<string, IReadOnlyList<PageExpectation>> Expect { get; init; } =
        new Dictionary<string, IReadOnlyList<PageExpectation>>();
}

/// <summary>A page passes only when the selector matches an element and the text is visible on it.</summary>
public sealed record PageExpectation
{
    public string? Selector { get; init; }

    public string? Text { get; init; }
}

/// <summary>Merge, squash or rebase; written in lower case in JSON, as in the repository file.</summary>
[JsonConverter(typeof(MergeMethodJsonConverter))]
public enum MergeMethod
{
    Merge,
    Squash,
    Rebase,
}

public sealed record MergeConfig
{
    public bool Auto { get; init; }

    public MergeMethod Method { get; init; } = MergeMethod.Squash;

    /// <summary>When set, only PRs with this label merge.</summary>
    public string RequireLabel { get; init; } = "";

    public IReadOnlyList<string> BlockLabels { get; init; } = ["do-not-merge"];

    public bool DeleteBranch { get; init; } = true;

    /// <summary>
    /// Fork PRs may merge automatically too. Read from the base branch's file or the settings, never a PR's head.
    /// </summary>
    public bool AllowForks { get; init; }
}

internal sealed class MergeMethodJsonConverter() : StrictEnumConverter<MergeMethod>("merge method");

/// <summary>
/// The project setting <c>forks</c>: when a fork PR's code may run (like GitHub Actions' approval for
/// outside contributors). Whatever the policy, a fork PR never gets the project's secrets and follows the
/// base branch's configuration.
/// </summary>
[JsonConverter(typeof(ForkPolicyJsonConverter))]
public enum ForkPolicy
{
    /// <summary>
    /// Owners', members' and collaborators' forks run at once; anyone else's waits for "Approve and run".
    /// </summary>
    Approve,

    /// <summary>
    /// Trusted authors' forks and those of people who have contributed to the repository before run at once;
    /// a first-time contributor's still waits for approval (GitHub Actions' default).
    /// </summary>
    Run,

    /// <summary>Fork PRs are not run at all: their checks end neutral, saying so.</summary>
    Skip,
}

internal sealed class ForkPolicyJsonConverter() : StrictEnumConverter<ForkPolicy>("fork policy");
