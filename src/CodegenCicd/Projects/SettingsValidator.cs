namespace CodegenCicd.Projects;

/// <summary>
/// Checks settings before anything is saved. Errors are keyed by the field's JSON path
/// (<c>pipeline.deploy.readyPath</c>), which the API returns as is and the settings page maps to its inputs.
/// </summary>
public static class SettingsValidator
{
    public const int MaxCommands = 50;
    public const int MaxCommandLength = 2000;
    public const int MaxTextLength = 4000;
    public const int MaxPathLength = 500;
    public const int MaxLabelLength = 50;
    public const int MinIterations = 1;
    public const int MaxIterations = 20;
    public const int MinTimeoutSeconds = 10;
    public const int MaxTimeoutSeconds = 3600;

    public static Dictionary<string, string[]> Validate(ProjectSettings settings, string? defaultBranch = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string key, string? message)
        {
            if (message is not null)
            {
                errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
            }
        }

        if (defaultBranch is not null)
        {
            Add("defaultBranch", string.IsNullOrWhiteSpace(defaultBranch)
                ? "The default branch is required."
                : BranchName(defaultBranch));
        }
        Add("planningStatement", Text(settings.PlanningStatement, "The planning statement"));
        Add("maxIterations", settings.MaxIterations is < MinIterations or > MaxIterations
            ? $"Max fix iterations must be between {MinIterations} and {MaxIterations}." : null);
        Add("forks", Enum.IsDefined(settings.Forks) ? null : "Pull requests from forks: approve, run or skip.");
        Add("deployTestBranch", settings.DeployTestBranch.Length == 0 ? null : BranchName(settings.DeployTestBranch));

        var deploy = settings.Pipeline.Deploy;
        Add("pipeline.deploy.setup", Commands(deploy.Setup, "Setup command"));
        Add("pipeline.deploy.start", deploy.Start is null ? null : Command(deploy.Start, "The start command"));
        Add("pipeline.deploy.readyPath", UrlPath(deploy.ReadyPath, "The ready path"));
        Add("pipeline.deploy.timeoutSeconds", deploy.TimeoutSeconds is < MinTimeoutSeconds or > MaxTimeoutSeconds
            ? $"The timeout must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds} seconds." : null);
        Add("pipeline.analysis.commands", Commands(settings.Pipeline.Analysis.Commands, "Analysis command"));

        var webEval = settings.Pipeline.WebEval;
        Add("pipeline.webEval.pages", webEval.Pages.Count > MaxCommands ? $"At most {MaxCommands} pages."
            : webEval.Pages.Select((page, i) => UrlPath(page, $"Page {i + 1}")).FirstOrDefault(e => e is not null));
        Add("pipeline.webEval.task", webEval.Task is null ? null : Text(webEval.Task, "The task"));
        Add("pipeline.webEval.followLinks", webEval.FollowLinks is < 0 or > RepoConfigFile.MaxFollowLinks
            ? $"Links are followed 0 to {RepoConfigFile.MaxFollowLinks} levels deep." : null);
        Add("pipeline.webEval.expect",
            webEval.Expect.Sum(e => e.Value.Count) > MaxCommands ? $"At most {MaxCommands} expectations."
            : webEval.Expect.SelectMany(e => e.Value.Select(x => Expectation(e.Key, x)))
                .FirstOrDefault(e => e is not null));

        var merge = settings.Pipeline.Merge;
        Add("pipeline.merge.method",
            Enum.IsDefined(merge.Method) ? null : "The merge method is merge, squash or rebase.");
        Add("pipeline.merge.requireLabel", merge.RequireLabel.Length == 0 ? null : Label(merge.RequireLabel));
        Add("pipeline.merge.blockLabels", merge.BlockLabels.Count > MaxCommands ? $"At most {MaxCommands} labels."
            : merge.BlockLabels.Select(Label).FirstOrDefault(e => e is not null)
              ?? (merge.BlockLabels.Distinct(StringComparer.OrdinalIgnoreCase).Count() != merge.BlockLabels.Count
                  ? "A blocking label is listed twice." : null));
        return errors;
    }

    private static string? Text(string value, string what) =>
        value.Length > MaxTextLength ? $"{what} is at most {MaxTextLength} characters." : null;

    private static string? Expectation(string path, PageExpectation expectation) =>
        UrlPath(path, $"The expectation's page '{path}'")
        ?? (string.IsNullOrWhiteSpace(expectation.Selector) && string.IsNullOrWhiteSpace(expectation.Text)
            ? $"The expectation for {path} needs a selector, a text or both." : null)
        ?? Text(expectation.Selector ?? "", $"The selector for {path}")
        ?? Text(expectation.Text ?? "", $"The text for {path}");

    private static string? Commands(IReadOnlyList<string> commands, string what) =>
        commands.Count > MaxCommands ? $"At most {MaxCommands} commands."
        : commands.Select((c, i) => Command(c, $"{what} {i + 1}")).FirstOrDefault(e => e is not null);

    private static string? Command(string command, string what) =>
        string.IsNullOrWhiteSpace(command) ? $"{what} is empty."
        : command.Length > MaxCommandLength ? $"{what} is longer than {MaxCommandLength} characters."
        : command.Any(c => char.IsControl(c) && c != '\t')
            ? $"{what} contains a line break or control character; put one command per line."
        : null;

    private static string? UrlPath(string path, string what) =>
        string.IsNullOrEmpty(path) || path[0] != '/' ? $"{what} must start with '/' (e.g. /health)."
        : path.Length > MaxPathLength ? $"{what} is at most {MaxPathLength} characters."
        : path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? $"{what} must not contain spaces."
        : PreviewPath.Problem(path) is { } problem ? $"{what}: {problem}"
        : null;

    private static string? Label(string label) =>
        string.IsNullOrWhiteSpace(label) ? "A label name is empty."
        : label.Length > MaxLabelLength
            ? $"The label '{label[..MaxLabelLength]}…' is longer than {MaxLabelLength} characters (GitHub's limit)."
        : label.Any(char.IsControl) ? "A label name contains a control character."
        : null;

    /// <summary>The rules of <c>git check-ref-format</c> that matter for branch names typed by hand.</summary>
    private static string? BranchName(string branch) =>
        branch.Length > 255 ? "A branch name is at most 255 characters."
        : branch.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || "~^:?*[\\".Contains(c))
          || branch.Contains("..", StringComparison.Ordinal) || branch.StartsWith('/') || branch.EndsWith('/')
          || branch.EndsWith(".lock", StringComparison.Ordinal) || branch.StartsWith('-')
          || branch.Contains("@{", StringComparison.Ordinal)
            ? $"'{branch}' is not a valid branch name." : null;
}
