namespace CodegenCicd.WebEval.Reports;

/// <summary>
/// The browser reaches a preview through a loopback port of this host (<c>http://127.0.0.1:34153/</c>),
/// which nobody reading a report can open. Reports show the page's path instead, linked through
/// the preview link people use (<see cref="WebEvalReport.PreviewUrl"/>).
/// </summary>
public static class ReportAddresses
{
    /// <summary>The link to <paramref name="path"/> on the usable preview, or null when the report has none.</summary>
    public static string? PreviewLink(WebEvalReport report, string path) =>
        report.PreviewUrl is { } preview ? new Uri(preview, path.TrimStart('/')).ToString() : null;

    /// <summary>The report with the internal origin taken out of everything it quotes (URLs become paths).</summary>
    public static WebEvalReport Localize(WebEvalReport report) => report with
    {
        Summary = Local(report, report.Summary),
        Error = report.Error is null ? null : Local(report, report.Error),
        Pages = [.. report.Pages.Select(page => page with
        {
            LoadFailure = page.LoadFailure is null ? null : Local(report, page.LoadFailure),
            ConsoleErrors = Local(report, page.ConsoleErrors),
            FailedRequests = Local(report, page.FailedRequests),
        })],
        Agent = report.Agent is not { } agent ? null : agent with
        {
            Reason = Local(report, agent.Reason),
            ConsoleErrors = Local(report, agent.ConsoleErrors),
            FailedRequests = Local(report, agent.FailedRequests),
        },
    };

    private static IReadOnlyList<ConsoleIssue> Local(WebEvalReport report, IReadOnlyList<ConsoleIssue> issues) =>
        [.. issues.Select(c => c with
        {
            Message = Local(report, c.Message), Location = c.Location is null ? null : Local(report, c.Location)
        })];

    private static IReadOnlyList<FailedRequest> Local(WebEvalReport report, IReadOnlyList<FailedRequest> requests) =>
        [.. requests.Select(r => r with { Url = Local(report, r.Url) })];

    /// <summary><paramref name="text"/> with the evaluation's internal origin removed: its URLs become paths.</summary>
    public static string Local(WebEvalReport report, string text)
    {
        var origin = report.BaseUrl.GetLeftPart(UriPartial.Authority);
        return text.Replace(origin, "", StringComparison.OrdinalIgnoreCase);
    }
}
