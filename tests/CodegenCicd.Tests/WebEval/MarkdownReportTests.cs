using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;

namespace CodegenCicd.Tests.WebEval;

/// <summary>The check-run text: failures first, quoted safely, always within GitHub's limit.</summary>
public sealed class MarkdownReportTests
{
    private static PageResult Page(string path, bool passed, int consoleErrors = 0) => new()
    {
        Path = path,
        Url = new Uri("http://127.0.0.1:3000" + path),
        Status = 200,
        LoadMs = 42,
        Passed = passed,
        ConsoleErrors = [.. Enumerable.Range(0, consoleErrors).Select(i =>
            new ConsoleIssue(ConsoleIssueKind.ConsoleError, $"error {i} with `backticks` and | pipes\nand a second line " + new string('x', 400), null))],
    };

    private static WebEvalReport Report(params PageResult[] pages) => new()
    {
        Verdict = pages.All(p => p.Passed) ? WebEvalVerdict.Passed : WebEvalVerdict.Failed,
        Summary = "summary",
        BaseUrl = new Uri("http://127.0.0.1:3000/"),
        StartedAt = DateTimeOffset.UnixEpoch,
        DurationMs = 1,
        Pages = pages,
    };

    [Fact]
    public void FailedPage_IsListedUnderWhatFailedBeforeThePageTable()
    {
        var markdown = MarkdownReport.Render(Report(Page("/ok", true), Page("/broken", false, consoleErrors: 1)));

        var failures = markdown.IndexOf("### What failed", StringComparison.Ordinal);
        var table = markdown.IndexOf("### Pages", StringComparison.Ordinal);
        Assert.InRange(failures, 0, table);
        Assert.Contains("- **`/broken`** — console error: `error 0 with 'backticks' and | pipes and a second line", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**`/ok`** —", markdown, StringComparison.Ordinal);
        Assert.StartsWith("## ❌ Web evaluation: failed", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeReport_IsCutAtALineUnderTheCheckRunLimitWithANotice()
    {
        var pages = Enumerable.Range(0, 400).Select(i => Page($"/page-{i}", false, consoleErrors: 3)).ToArray();

        var markdown = MarkdownReport.Render(Report(pages), "https://cicd.example/Reports/WebEval?key=runs%2F1");

        Assert.InRange(markdown.Length, 60_000, MarkdownReport.MaxLength);
        Assert.EndsWith("_… cut to fit; [the full report](https://cicd.example/Reports/WebEval?key=runs%2F1) has everything._", markdown, StringComparison.Ordinal);
        Assert.Contains("**`/page-0`** — console error", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRun_ShowsPathsAndThePreviewLink_NotTheInternalLoopbackAddress()
    {
        var broken = Page("/shop", false) with
        {
            ConsoleErrors = [new(ConsoleIssueKind.UncaughtException, "TypeError: x is undefined", "http://127.0.0.1:3000/app.js:3:9")],
            FailedRequests = [new("GET", "http://127.0.0.1:3000/api/cart", 500, null, "fetch")],
        };
        var report = Report(broken) with { PreviewUrl = new Uri("https://cicd.example/preview/octo/shop/7/") };

        var markdown = MarkdownReport.Render(report, "https://cicd.example/Reports/WebEval?key=runs%2F1");

        Assert.DoesNotContain("127.0.0.1", markdown, StringComparison.Ordinal);
        Assert.Contains("Preview: https://cicd.example/preview/octo/shop/7/", markdown, StringComparison.Ordinal);
        Assert.Contains("at `/app.js:3:9`", markdown, StringComparison.Ordinal);
        Assert.Contains("`GET /api/cart` → **500**", markdown, StringComparison.Ordinal);
        Assert.Contains("| [`/shop`](https://cicd.example/preview/octo/shop/7/shop) |", markdown, StringComparison.Ordinal);
    }
}
