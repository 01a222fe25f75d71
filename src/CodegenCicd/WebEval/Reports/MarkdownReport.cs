using System.Globalization;
using System.Text;

namespace CodegenCicd.WebEval.Reports;

/// <summary>
/// The check-run text: the verdict, then what failed (with the error text and where), then
/// the per-page table and the agent's steps. Cut at a line boundary to fit GitHub's 65 535 characters.
/// </summary>
public static class MarkdownReport
{
    public const int MaxLength = 65_535;

    public static string Render(WebEvalReport report, string? reportUrl = null)
    {
        report = ReportAddresses.Localize(report);
        var text = new Builder(MaxLength, reportUrl);
        text.Line($"## {Icon(report.Verdict)} Web evaluation: {report.Verdict.ToString().ToLowerInvariant()}");
        text.Line(Escape(report.Summary));
        if (reportUrl is not null)
        {
            text.Line($"[Full report with screenshots]({reportUrl})");
        }
        if (report.PreviewUrl is { } preview)
        {
            text.Line($"Preview: {preview}");
        }
        var failures = Failures(report).ToList();
        if (failures.Count > 0)
        {
            text.Line("");
            text.Line("### What failed");
            text.Lines(failures);
        }
        if (report.Pages.Count > 0)
        {
            text.Line("");
            text.Line("### Pages");
            text.Line("| Page | Status | Load | Console errors | Failed requests | Result |");
            text.Line("| --- | --- | --- | --- | --- | --- |");
            text.Lines(report.Pages.Select(p =>
                $"| {PageCell(report, p.Path)}{(p.LinkedFrom is null ? "" : $" (linked from {Code(p.LinkedFrom)})")} "
                + $"| {p.Status?.ToString(CultureInfo.InvariantCulture) ?? "—"} | "
                + $"{(p.LoadMs is { } ms ? $"{ms:0} ms" : "—")} | {p.ConsoleErrors.Count} | {p.FailedRequests.Count} "
                + $"| {(p.Passed ? "✅" : "❌")} |"));
        }
        if (report.Agent is { } agent)
        {
            text.Line("");
            text.Line("### AI-driven task");
            text.Line($"Task: {Escape(agent.Task)}");
            text.Line($"Outcome: **{AgentOutcome(agent)}** — {Escape(agent.Reason)}");
            if (agent.ConsoleErrors.Count + agent.FailedRequests.Count > 0)
            {
                text.Line("");
                text.Line("Seen while the agent worked:");
                text.Lines(agent.ConsoleErrors.Take(20).Select(c => "- " + Describe(c)));
                text.Lines(agent.FailedRequests.Take(20).Select(r => "- " + Describe(r)));
            }
            if (agent.Steps.Count > 0)
            {
                text.Line("");
                text.Line("| # | Action | Reasoning | Result |");
                text.Line("| --- | --- | --- | --- |");
                text.Lines(agent.Steps.Select(s =>
                    $"| {s.Number} | {Cell(Action(s), 200)} | {Cell(s.Reasoning ?? "", 300)} "
                    + $"| {Cell(s.Problem is null ? s.Result : "⚠️ " + s.Problem, 300)} |"));
            }
        }
        return text.ToString();
    }

    private static IEnumerable<string> Failures(WebEvalReport report)
    {
        if (report.Error is { } error)
        {
            yield return $"- **Evaluation error** — {Escape(error)}";
        }
        foreach (var page in report.Pages.Where(p => !p.Passed))
        {
            var name = $"**{Code(page.Path)}**";
            if (page.LoadFailure is { } failure)
            {
                yield return $"- {name} — {Code(failure)}";
            }
            else if (page.Status is not (>= 200 and < 400))
            {
                yield return $"- {name} — the page answered HTTP "
                    + $"**{page.Status?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}**";
            }
            foreach (var issue in page.ConsoleErrors)
            {
                yield return $"- {name} — {Describe(issue)}";
            }
            foreach (var request in page.FailedRequests)
            {
                yield return $"- {name} — {Describe(request)}";
            }
            foreach (var miss in page.Expectations.Where(e => !e.Met))
            {
                yield return $"- {name} — expected {Escape(miss.Description)}: {Escape(miss.Detail ?? "not met")}";
            }
        }
        if (report.Agent is { Status: not AgentStatus.Skipped } agent && agent.TaskPassed != true)
        {
            yield return $"- **AI-driven task** — {AgentOutcome(agent)}: {Escape(agent.Reason)}";
        }
    }

    /// <summary>The page's path, linked to the usable preview when the report knows it.</summary>
    private static string PageCell(WebEvalReport report, string path) =>
        ReportAddresses.PreviewLink(report, path) is { } link ? $"[{Code(path)}]({link})" : Code(path);

    private static string Describe(ConsoleIssue issue) =>
        $"{(issue.Kind == ConsoleIssueKind.UncaughtException ? "uncaught exception" : "console error")}: "
        + Code(issue.Message)
        + (issue.Location is null ? "" : $" at {Code(issue.Location)}");

    private static string Describe(FailedRequest request) =>
        $"failed request: {Code($"{request.Method} {request.Url}")} → "
        + (request.Status is { } code
            ? $"**{code.ToString(CultureInfo.InvariantCulture)}**"
            : Code(request.Failure ?? "failed"));

    private static string AgentOutcome(AgentResult agent) => agent.Status switch
    {
        AgentStatus.Finished => agent.TaskPassed == true ? "passed" : "failed",
        AgentStatus.LimitReached => "not finished",
        AgentStatus.Error => "error",
        _ => "skipped",
    };

    private static string Action(AgentStep step) =>
        step.Action is null ? "(no call)" : $"{step.Action}({step.Arguments?.ToJsonString() ?? ""})";

    private static string Icon(WebEvalVerdict verdict) => verdict switch
    {
        WebEvalVerdict.Passed => "✅",
        WebEvalVerdict.Failed => "❌",
        WebEvalVerdict.Error => "⚠️",
        _ => "⏭️",
    };

    private static string Flat(string text, int max) =>
        (text.Length > max ? text[..max] + "…" : text).ReplaceLineEndings(" ");

    /// <summary>Inline code that survives backticks and line breaks in the quoted text.</summary>
    private static string Code(string text) => "`" + Flat(text, 500).Replace('`', '\'') + "`";

    private static string Escape(string text) => Flat(text, 2000).Replace("<", "&lt;", StringComparison.Ordinal);

    private static string Cell(string text, int max) =>
        Escape(Flat(text, max)).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Appends whole lines while they fit, then one closing line saying the rest was cut.</summary>
    private sealed class Builder(int limit, string? reportUrl)
    {
        private readonly StringBuilder text = new();
        private bool truncated;

        private string Notice => reportUrl is null
            ? "\n_… cut to fit; the full report is in report.json beside the screenshots._"
            : $"\n_… cut to fit; [the full report]({reportUrl}) has everything._";

        public void Line(string line)
        {
            if (truncated)
            {
                return;
            }
            if (text.Length + line.Length + 1 + Notice.Length > limit)
            {
                truncated = true;
                text.Append(Notice);
                return;
            }
            text.Append(line).Append('\n');
        }

        public void Lines(IEnumerable<string> lines)
        {
            foreach (var line in lines)
            {
                Line(line);
            }
        }

        public override string ToString() => text.ToString().TrimEnd('\n');
    }
}
