using System.ComponentModel.DataAnnotations;
using CodegenCicd.Projects;

namespace CodegenCicd.Pages.Projects;

/// <summary>
/// The settings dialog's fields (every tab but Secrets), posted as one form so a save is all or
/// nothing. Lists are edited as one item per line.
/// </summary>
public sealed class SettingsForm
{
    [Required(ErrorMessage = "The default branch is needed: the branch pull requests merge into, e.g. main.")]
    public string DefaultBranch { get; set; } = "";
    public string? PlanningStatement { get; set; }
    public bool AutoConfirmPlans { get; set; }

    [Display(Name = "Max fix iterations")]
    public int MaxIterations { get; set; }
    public string? SetupCommands { get; set; }
    public string? StartCommand { get; set; }
    public string? ReadyPath { get; set; }

    [Display(Name = "Timeout (seconds)")]
    public int TimeoutSeconds { get; set; }
    public string? DeployTestBranch { get; set; }
    public string? AnalysisCommands { get; set; }
    public bool AutoMerge { get; set; }
    public MergeMethod MergeMethod { get; set; }
    public string? RequireLabel { get; set; }
    public string? BlockLabels { get; set; }
    public bool DeleteBranch { get; set; }

    [Display(Name = "Pull requests from forks")]
    public ForkPolicy Forks { get; set; }
    public bool AllowForks { get; set; }
    public string? WebEvalPages { get; set; }
    public string? WebEvalTask { get; set; }

    [Display(Name = "Follow links (depth)")]
    public int WebEvalFollowLinks { get; set; }

    /// <summary>
    /// One expectation per line: <c>/path | selector | text</c> (selector or text may be left empty).
    /// </summary>
    public string? WebEvalExpect { get; set; }

    /// <summary>Which tab shows each field, and its input name, by the validator's key.</summary>
    public static readonly IReadOnlyDictionary<string, (string Tab, string Field)> Fields =
        new Dictionary<string, (string, string)>
        {
            ["defaultBranch"] = ("general", nameof(DefaultBranch)),
            ["planningStatement"] = ("general", nameof(PlanningStatement)),
            ["maxIterations"] = ("general", nameof(MaxIterations)),
            ["deployTestBranch"] = ("deploy", nameof(DeployTestBranch)),
            ["pipeline.deploy.setup"] = ("deploy", nameof(SetupCommands)),
            ["pipeline.deploy.start"] = ("deploy", nameof(StartCommand)),
            ["pipeline.deploy.readyPath"] = ("deploy", nameof(ReadyPath)),
            ["pipeline.deploy.timeoutSeconds"] = ("deploy", nameof(TimeoutSeconds)),
            ["pipeline.analysis.commands"] = ("deploy", nameof(AnalysisCommands)),
            ["pipeline.merge.method"] = ("merge", nameof(MergeMethod)),
            ["pipeline.merge.requireLabel"] = ("merge", nameof(RequireLabel)),
            ["pipeline.merge.blockLabels"] = ("merge", nameof(BlockLabels)),
            ["forks"] = ("general", nameof(Forks)),
            ["pipeline.webEval.pages"] = ("webeval", nameof(WebEvalPages)),
            ["pipeline.webEval.task"] = ("webeval", nameof(WebEvalTask)),
            ["pipeline.webEval.followLinks"] = ("webeval", nameof(WebEvalFollowLinks)),
            ["pipeline.webEval.expect"] = ("webeval", nameof(WebEvalExpect)),
        };

    public static SettingsForm From(Project project)
    {
        var s = project.Settings;
        var p = s.Pipeline;
        return new()
        {
            DefaultBranch = project.DefaultBranch,
            PlanningStatement = s.PlanningStatement,
            AutoConfirmPlans = s.AutoConfirmPlans,
            MaxIterations = s.MaxIterations,
            SetupCommands = Join(p.Deploy.Setup),
            StartCommand = p.Deploy.Start,
            ReadyPath = p.Deploy.ReadyPath,
            TimeoutSeconds = p.Deploy.TimeoutSeconds,
            DeployTestBranch = s.DeployTestBranch,
            AnalysisCommands = Join(p.Analysis.Commands),
            AutoMerge = p.Merge.Auto,
            MergeMethod = p.Merge.Method,
            RequireLabel = p.Merge.RequireLabel,
            BlockLabels = Join(p.Merge.BlockLabels),
            DeleteBranch = p.Merge.DeleteBranch,
            AllowForks = p.Merge.AllowForks,
            Forks = s.Forks,
            WebEvalPages = Join(p.WebEval.Pages),
            WebEvalTask = p.WebEval.Task,
            WebEvalFollowLinks = p.WebEval.FollowLinks,
            WebEvalExpect = string.Join('\n', p.WebEval.Expect.SelectMany(
                e => e.Value.Select(x => $"{e.Key} | {x.Selector} | {x.Text}".TrimEnd(' ', '|')))),
        };
    }

    public ProjectSettings ToSettings() => new()
    {
        PlanningStatement = PlanningStatement?.Trim() ?? "",
        AutoConfirmPlans = AutoConfirmPlans,
        MaxIterations = MaxIterations,
        DeployTestBranch = DeployTestBranch?.Trim() ?? "",
        Forks = Forks,
        Pipeline = new PipelineConfig
        {
            Deploy = new DeployConfig
            {
                Setup = Lines(SetupCommands),
                Start = string.IsNullOrWhiteSpace(StartCommand) ? null : StartCommand.Trim(),
                ReadyPath = ReadyPath?.Trim() ?? "",
                TimeoutSeconds = TimeoutSeconds,
            },
            Analysis = new AnalysisConfig { Commands = Lines(AnalysisCommands) },
            WebEval = new WebEvalConfig
            {
                Pages = Lines(WebEvalPages),
                Task = string.IsNullOrWhiteSpace(WebEvalTask) ? null : WebEvalTask.Trim(),
                FollowLinks = WebEvalFollowLinks,
                Expect = Expectations(WebEvalExpect),
            },
            Merge = new MergeConfig
            {
                Auto = AutoMerge,
                Method = MergeMethod,
                RequireLabel = RequireLabel?.Trim() ?? "",
                BlockLabels = Lines(BlockLabels),
                DeleteBranch = DeleteBranch,
                AllowForks = AllowForks,
            },
        },
    };

    /// <summary>
    /// <c>/path | selector | text</c> per line; the text is everything after the second bar, so it may contain bars.
    /// Several lines for the same page are all kept, in order.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<PageExpectation>> Expectations(string? text) =>
        Lines(text)
            .Select(line => line.Split('|', 3, StringSplitOptions.TrimEntries))
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(page => page.Key,
                IReadOnlyList<PageExpectation> (page) => [.. page.Select(parts => new PageExpectation
                {
                    Selector = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null,
                    Text = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null,
                })], StringComparer.Ordinal);

    private static string Join(IEnumerable<string> items) => string.Join('\n', items);

    /// <summary>One item per line; blank lines are spacing, not empty commands.</summary>
    private static List<string> Lines(string? text) =>
        [.. (text ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
}
