namespace CodegenCicd.WebEval.Reports;

/// <summary>
/// The verdict and its one-line reason. The author's app failing wins over an evaluation error:
/// a page that threw is worth reporting even when the AI-driven part could not run.
/// </summary>
internal static class Verdicts
{
    public static (WebEvalVerdict Verdict, string Summary) Decide(IReadOnlyList<PageResult> pages, AgentResult? agent,
        string? error)
    {
        var failedPages = pages.Where(p => !p.Passed).ToList();
        var agentFailed = agent is { Status: AgentStatus.Finished, TaskPassed: false }
            or { Status: AgentStatus.LimitReached };
        if (failedPages.Count > 0 || agentFailed)
        {
            var parts = new List<string>();
            if (failedPages.Count > 0)
            {
                parts.Add($"{failedPages.Count} of {pages.Count} page{(pages.Count == 1 ? "" : "s")} failed "
                    + $"({failedPages[0].Path}: {FirstProblem(failedPages[0])})");
            }
            if (agentFailed)
            {
                parts.Add("the AI-driven task "
                    + $"{(agent!.Status == AgentStatus.LimitReached ? "did not finish" : "failed")}: {agent.Reason}");
            }
            return (WebEvalVerdict.Failed, Capitalize(string.Join("; ", parts)));
        }
        if (error is not null)
        {
            return (WebEvalVerdict.Error, error);
        }
        if (agent is { Status: AgentStatus.Error })
        {
            return (WebEvalVerdict.Error, "The AI-driven task could not run: " + agent.Reason);
        }
        if (pages.Count == 0 && agent is null or { Status: AgentStatus.Skipped })
        {
            return (WebEvalVerdict.Skipped, agent is null
                ? "Nothing to evaluate: no pages and no task configured."
                : $"Nothing evaluated: {agent.Reason}");
        }
        var summary = pages.Count > 0 ? $"{pages.Count} page{(pages.Count == 1 ? "" : "s")} loaded without errors" : "";
        summary += agent switch
        {
            null => "",
            { Status: AgentStatus.Skipped } =>
                $"{(summary.Length > 0 ? "; " : "")}the AI-driven task was skipped: {agent.Reason}",
            _ => $"{(summary.Length > 0 ? "; " : "")}the AI-driven task passed: {agent.Reason}",
        };
        return (WebEvalVerdict.Passed, Capitalize(summary));
    }

    private static string FirstProblem(PageResult page) =>
        page.LoadFailure
        ?? (page.Status is not (>= 200 and < 400) ? $"HTTP {page.Status}" : null)
        ?? page.ConsoleErrors.Select(c => c.Message).FirstOrDefault()
        ?? page.FailedRequests
            .Select(r => $"{r.Method} {r.Url} → "
                + $"{(r.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? r.Failure)}")
            .FirstOrDefault()
        ?? page.Expectations.Where(e => !e.Met).Select(e => $"expected {e.Description}").FirstOrDefault()
        ?? "failed";

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
