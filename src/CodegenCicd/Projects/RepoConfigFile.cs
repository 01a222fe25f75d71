using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CodegenCicd.Projects;

/// <summary>The outcome of reading <c>.github/codegen-cicd.yml</c> over the project's settings.</summary>
/// <param name="UnknownKeys">
/// Dotted paths of keys the file has but the app does not know (listed in the check run).
/// </param>
/// <param name="Error">The parse or type error with its line; the run fails with it.</param>
public sealed record RepoConfigResult(PipelineConfig Config, IReadOnlyList<string> UnknownKeys, string? Error)
{
    public bool IsValid => Error is null;

    /// <summary>
    /// The error in the base branch's file, whose merge section is then ignored in favour of the
    /// project settings (see <see cref="RepoConfigLoader"/>); reported, but the run goes on.
    /// </summary>
    public string? BaseError { get; init; }
}

/// <summary>
/// Parses the repository configuration file and overrides the project's settings key by key:
/// a key absent from the file keeps the admin site's value.
/// </summary>
public static partial class RepoConfigFile
{
    public const string Path = ".github/codegen-cicd.yml";

    public static RepoConfigResult Apply(PipelineConfig settings, string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return new(settings, [], null);
        }
        var unknown = new List<string>();
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                return new(settings, [], null);
            }
            var root = Mapping(stream.Documents[0].RootNode, "the file");
            var config = settings;
            foreach (var (key, value) in Entries(root))
            {
                config = key switch
                {
                    "deploy" => config with { Deploy = ApplyDeploy(config.Deploy, Mapping(value, key), unknown) },
                    "analysis" => config with
                    {
                        Analysis = ApplyAnalysis(config.Analysis, Mapping(value, key), unknown)
                    },
                    "web_eval" => config with { WebEval = ApplyWebEval(config.WebEval, Mapping(value, key), unknown) },
                    "merge" => config with { Merge = ApplyMerge(config.Merge, Mapping(value, key), unknown) },
                    _ => Unknown(config, key, unknown),
                };
            }
            return new(config, unknown, null);
        }
        catch (YamlException e)
        {
            var reason = e.InnerException is RepoConfigException inner ? inner.Message : e.Message;
            return new(settings, unknown, $"{Path} line {e.Start.Line}: {StripPosition(reason)}");
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner gives up on some malformed scalars without a position.
            return new(settings, unknown, $"{Path}: not valid YAML ({e.Message})");
        }
    }

    private static DeployConfig ApplyDeploy(DeployConfig deploy, YamlMappingNode node, List<string> unknown)
    {
        foreach (var (key, value) in Entries(node))
        {
            deploy = key switch
            {
                "setup" => deploy with { Setup = StringList(value, "deploy.setup") },
                "start" => deploy with { Start = Scalar(value, "deploy.start") },
                "ready_path" => deploy with { ReadyPath = Scalar(value, "deploy.ready_path") ?? "/" },
                "timeout_seconds" => deploy with
                {
                    TimeoutSeconds = Integer(value, "deploy.timeout_seconds", 1, 86_400)
                },
                _ => Unknown(deploy, "deploy." + key, unknown),
            };
        }
        return deploy;
    }

    private static AnalysisConfig ApplyAnalysis(AnalysisConfig analysis, YamlMappingNode node, List<string> unknown)
    {
        foreach (var (key, value) in Entries(node))
        {
            analysis = key == "commands"
                ? analysis with { Commands = StringList(value, "analysis.commands") }
                : Unknown(analysis, "analysis." + key, unknown);
        }
        return analysis;
    }

    private static MergeConfig ApplyMerge(MergeConfig merge, YamlMappingNode node, List<string> unknown)
    {
        foreach (var (key, value) in Entries(node))
        {
            merge = key switch
            {
                "auto" => merge with { Auto = Boolean(value, "merge.auto") },
                "method" => merge with { Method = Method(value) },
                "require_label" => merge with { RequireLabel = Scalar(value, "merge.require_label") ?? "" },
                "block_labels" => merge with { BlockLabels = StringList(value, "merge.block_labels") },
                "delete_branch" => merge with { DeleteBranch = Boolean(value, "merge.delete_branch") },
                // Only honoured from the base branch (RepoConfigLoader): a fork cannot let itself merge.
                "allow_forks" => merge with { AllowForks = Boolean(value, "merge.allow_forks") },
                _ => Unknown(merge, "merge." + key, unknown),
            };
        }
        return merge;
    }

    private static T Unknown<T>(T unchanged, string key, List<string> unknown)
    {
        unknown.Add(key);
        return unchanged;
    }

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode node) =>
        node.Children.Select(c => (Scalar(c.Key, "a key") ?? "", c.Value));

    private static YamlMappingNode Mapping(YamlNode node, string what) => node switch
    {
        YamlMappingNode mapping => mapping,
        YamlScalarNode { Value: null or "" } => new YamlMappingNode(),
        _ => throw Fail(node, $"{what} must be a mapping of keys"),
    };

    private static string? Scalar(YamlNode node, string what) => node switch
    {
        YamlScalarNode { Style: not ScalarStyle.Plain } quoted => quoted.Value,
        YamlScalarNode { Value: "~" or "null" or "" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw Fail(node, $"{what} must be a single value"),
    };

    /// <summary>A list, or one string as a list of one (<c>setup: npm ci</c>).</summary>
    private static IReadOnlyList<string> StringList(YamlNode node, string what) => node switch
    {
        YamlSequenceNode sequence =>
            [.. sequence.Children.Select(c => Scalar(c, what + " items") ?? "").Where(s => s.Length > 0)],
        YamlScalarNode scalar => Scalar(scalar, what) is { Length: > 0 } one ? [one] : [],
        _ => throw Fail(node, $"{what} must be a list of strings"),
    };

    private static bool Boolean(YamlNode node, string what) => Scalar(node, what)?.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var other => throw Fail(node, $"{what} must be true or false, not '{other}'"),
    };

    private static int Integer(YamlNode node, string what, int min, int max) =>
        int.TryParse(Scalar(node, what), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : throw Fail(node, $"{what} must be a whole number from {min} to {max}");

    private static MergeMethod Method(YamlNode node) => Scalar(node, "merge.method")?.ToLowerInvariant() switch
    {
        "merge" => MergeMethod.Merge,
        "squash" => MergeMethod.Squash,
        "rebase" => MergeMethod.Rebase,
        var other => throw Fail(node, $"merge.method must be merge, squash or rebase, not '{other}'"),
    };

    private static YamlException Fail(YamlNode node, string message) =>
        new(node.Start, node.End, message, new RepoConfigException(message));

    private static string StripPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (…): "; the line is already in front.
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker > 0 ? message[(marker + 3)..] : message;
    }

    private sealed class RepoConfigException(string message) : Exception(message);
}
