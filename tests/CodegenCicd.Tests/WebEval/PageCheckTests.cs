using CodegenCicd.Projects;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;

namespace CodegenCicd.Tests.WebEval;

/// <summary>Deterministic page checks in real Chromium against pages served on loopback.</summary>
[Collection(SharedBrowserCollection.Name)]
public sealed class PageCheckTests(SharedBrowserFixture fixture)
{
    private readonly Uri site = fixture.Site.BaseUrl;

    private async Task<(WebEvalOutcome Outcome, WebEvalReport Report, string Directory)> EvaluateAsync(
        WebEvalConfig config, Dictionary<string, string?>? settings = null, Uri? baseUrl = null)
    {
        Chromium.Require();
        await using var harness = WebEvalHarness.Create(settings, fixture.Browser);
        var result = await harness.EvaluateAsync(baseUrl ?? site, config);
        // Read the artefacts before the harness deletes its folder.
        foreach (var page in result.Report.Pages.Where(p => p.Screenshot is not null))
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(result.Directory, page.Screenshot!));
            Assert.True(bytes.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G']), $"{page.Screenshot} is not a PNG");
        }
        return result;
    }

    [Fact]
    public async Task HealthyPage_PassesWithStatusLoadTimeScreenshotAndFollowedSameOriginLinks()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig
        {
            Pages = ["/"],
            FollowLinks = 1,
            Expect = new Dictionary<string, IReadOnlyList<PageExpectation>> { ["/"] = [new() { Selector = "#welcome", Text = "All is well" }, new() { Text = "Welcome" }] },
        });

        Assert.Equal(WebEvalVerdict.Passed, outcome.Verdict);
        Assert.Equal(["/", "/about"], report.Pages.Select(p => p.Path));
        var home = report.Pages[0];
        Assert.Equal(200, home.Status);
        Assert.Equal("Home", home.Title);
        Assert.True(home.LoadMs > 0);
        Assert.NotNull(home.Screenshot);
        Assert.Equal(3, home.Expectations.Count);
        Assert.All(home.Expectations, e => Assert.True(e.Met, e.Description));
        Assert.Equal("/", report.Pages[1].LinkedFrom);
        Assert.StartsWith("## ✅ Web evaluation: passed", outcome.Markdown, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(outcome.ReportPath)!, "report.json"), outcome.ReportPath);
    }

    [Fact]
    public async Task PageThatThrows_FailsQuotingTheExceptionAndWhereItHappened()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/throws"] });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        var issue = Assert.Single(report.Pages[0].ConsoleErrors);
        Assert.Equal(ConsoleIssueKind.UncaughtException, issue.Kind);
        Assert.Contains("Cannot read properties of undefined (reading 'theme')", issue.Message, StringComparison.Ordinal);
        Assert.Contains("/throws:", issue.Location, StringComparison.Ordinal);
        Assert.Contains("uncaught exception: `TypeError: Cannot read properties of undefined (reading 'theme')`", outcome.Markdown, StringComparison.Ordinal);
        Assert.Contains("/throws", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleError_FailsQuotingTheConsoleText()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/console"] });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        var issue = Assert.Single(report.Pages[0].ConsoleErrors);
        Assert.Equal(ConsoleIssueKind.ConsoleError, issue.Kind);
        Assert.Contains("console error: `Widget failed to mount: #chart missing`", outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageWhoseApiReturns500_FailsWithTheRequestsMethodUrlAndStatus()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/api-fails"] });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        var page = report.Pages[0];
        Assert.Equal(200, page.Status);
        Assert.Equal(
            [("GET", new Uri(site, "/api/cart").AbsoluteUri, (int?)503), ("GET", new Uri(site, "/api/items").AbsoluteUri, 500)],
            page.FailedRequests.Select(r => (r.Method, r.Url, r.Status)).Order());
        Assert.Empty(page.ConsoleErrors); // Chromium's "Failed to load resource" echo is folded into the request.
        // The check run quotes the path, not the browser's internal loopback address nobody can open.
        Assert.Contains("failed request: `GET /api/items` → **500**", outcome.Markdown, StringComparison.Ordinal);
        Assert.DoesNotContain(site.Authority, outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageThatNeverFinishesLoading_FailsNamingTheTimeoutAndWhatItWaitsFor()
    {
        var started = DateTime.UtcNow;
        // The timeout holds for every page, so it must leave the healthy page room on a busy machine:
        // at 2 s, CI once failed "/" too, with three other test collections running on its two cores.
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/hangs", "/"] },
            new() { ["Browser:NavigationTimeoutSeconds"] = "6" });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        var hung = report.Pages[0];
        Assert.StartsWith("did not finish loading within 6 s", hung.LoadFailure, StringComparison.Ordinal);
        Assert.Contains("GET " + new Uri(site, "/never"), hung.LoadFailure, StringComparison.Ordinal);
        var next = report.Pages[1];
        Assert.True(next.Passed, $"the next page is still checked, and passes: {outcome.Markdown}");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task RedirectLoop_FailsWithTooManyRedirects()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/loop"] });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.Equal("net::ERR_TOO_MANY_REDIRECTS", report.Pages[0].LoadFailure);
        Assert.Contains("net::ERR_TOO_MANY_REDIRECTS", outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableApp_FailsWithConnectionRefused()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/"] }, baseUrl: new Uri($"http://127.0.0.1:{port}/"));

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.Equal("net::ERR_CONNECTION_REFUSED", report.Pages[0].LoadFailure);
        Assert.Contains("net::ERR_CONNECTION_REFUSED", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenLinkTwoLevelsDown_FailsWithItsStatusAndWhereItWasLinked()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/"], FollowLinks = 2 });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        var gone = Assert.Single(report.Pages, p => p.Path == "/gone");
        Assert.Equal((404, "/about"), (gone.Status, gone.LinkedFrom));
        Assert.DoesNotContain(report.Pages, p => p.Url.Host != site.Host);
        Assert.Contains("**`/gone`** — the page answered HTTP **404**", outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingExpectedText_FailsNamingTheExpectation()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig
        {
            Pages = ["/"],
            Expect = new Dictionary<string, IReadOnlyList<PageExpectation>> { ["/"] = [new() { Text = "Goodbye" }] },
        });

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.False(Assert.Single(report.Pages[0].Expectations).Met);
        Assert.Contains("expected text \"Goodbye\" visible", outcome.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskWithoutGeminiKey_IsReportedAsSkippedNotFailed()
    {
        var (outcome, report, _) = await EvaluateAsync(new WebEvalConfig { Pages = ["/"], Task = "Sign up" });

        Assert.Equal(WebEvalVerdict.Passed, outcome.Verdict);
        Assert.Equal(AgentStatus.Skipped, report.Agent?.Status);
        Assert.Contains("skipped", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("Gemini:ApiKey", outcome.Markdown, StringComparison.Ordinal);
    }
}
