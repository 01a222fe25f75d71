using System.Globalization;
using System.Text;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Markdown for command results: a table, then the failing command's output tail.</summary>
public static class CommandReport
{
    public static string Table(IReadOnlyList<CommandResult> commands)
    {
        if (commands.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder("| command | exit code | time |\n| --- | --- | --- |\n");
        foreach (var command in commands)
        {
            var exit = command.TimedOut ? "timed out" : command.ExitCode.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"| `{command.Command.Replace("|", "\\|", StringComparison.Ordinal)}` | {exit} "
                + $"| {command.Duration.TotalSeconds:F1} s |\n");
        }
        return text.ToString();
    }

    public static CommandResult? FirstFailure(IReadOnlyList<CommandResult> commands) =>
        commands.FirstOrDefault(c => c.ExitCode != 0 || c.TimedOut);

    public static string Describe(CommandResult failed) => failed.TimedOut
        ? $"`{failed.Command}` timed out after {failed.Duration.TotalSeconds:F0} s"
        : $"`{failed.Command}` exited with code {failed.ExitCode}";

    public static string Logs(IReadOnlyList<CommandResult> commands)
    {
        var text = new StringBuilder();
        foreach (var command in commands)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"### `{command.Command}` (exit {command.ExitCode})\n\n```\n{command.OutputTail}\n```\n\n");
        }
        return text.ToString();
    }
}
