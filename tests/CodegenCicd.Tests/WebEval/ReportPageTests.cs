using System.Net;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.WebEval;

/// <summary>The admin page that shows a stored report with its screenshots.</summary>
public sealed class ReportPageTests : IDisposable
{
    /// <summary>The smallest valid PNG (1×1, transparent).</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private readonly AppFactory factory = new();

    public ReportPageTests() => factory.Settings["Browser:ArtifactsRoot"] = Path.Combine(factory.DataDirectory, "artifacts");

    public void Dispose() => factory.Dispose();

    private async Task<string> StoreReportAsync(string key)
    {
        var directory = factory.Services.GetRequiredService<WebEvalArtifacts>().DirectoryFor(key);
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "page-01-items.png"), Png);
        await File.WriteAllBytesAsync(Path.Combine(directory, "step-01.jpg"), Png);
        var report = new WebEvalReport
        {
            Verdict = WebEvalVerdict.Failed,
            Summary = "1 of 1 page failed (/items: TypeError: items.map is not a function)",
            BaseUrl = new Uri("http://127.0.0.1:4000/"),
            PreviewUrl = new Uri("https://cicd.example/preview/octo/shop/12/"),
            StartedAt = DateTimeOffset.UtcNow,
            DurationMs = 1234,
            Pages =
            [
                new PageResult
                {
                    Path = "/items",
                    Url = new Uri("http://127.0.0.1:4000/items"),
                    Status = 200,
                    LoadMs = 87,
                    ConsoleErrors = [new(ConsoleIssueKind.UncaughtException, "TypeError: items.map is not a function", "http://127.0.0.1:4000/app.js:12:7")],
                    FailedRequests = [new("GET", "http://127.0.0.1:4000/api/items", 500, null, "fetch")],
                    Screenshot = "page-01-items.png",
                },
            ],
            Agent = new AgentResult
            {
                Task = "Add an item to the cart",
                Status = AgentStatus.Finished,
                TaskPassed = false,
                Reason = "The cart stays empty after clicking Add.",
                Steps = [new(1, "click", new System.Text.Json.Nodes.JsonObject { ["ref"] = "e7" }, "Clicking Add.", "clicked", null, "http://127.0.0.1:4000/items", "step-01.jpg")],
            },
        };
        await WebEvalArtifacts.WriteAsync(report, directory, CancellationToken.None);
        return directory;
    }

    [Fact]
    public async Task StoredReport_IsShownWithItsErrorsAndScreenshot()
    {
        await StoreReportAsync("runs/7/web-eval-1");
        var client = await factory.CreateSignedInClientAsync();

        var html = await client.GetStringAsync(WebEvalArtifacts.PageUrl("runs/7/web-eval-1"));

        Assert.Contains("TypeError: items.map is not a function", html, StringComparison.Ordinal);
        // The browser's loopback address is nobody's to open: paths, and the preview link people use.
        Assert.Contains("at <code>/app.js:12:7</code>", html, StringComparison.Ordinal);
        Assert.Contains("<code>/api/items</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://cicd.example/preview/octo/shop/12/\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://cicd.example/preview/octo/shop/12/items\"", html, StringComparison.Ordinal);
        Assert.Contains("<td>500</td>", html, StringComparison.Ordinal);
        var screenshot = "/Reports/WebEval?key=runs%2F7%2Fweb-eval-1&amp;file=page-01-items.png&amp;handler=Screenshot";
        Assert.Contains(screenshot, html, StringComparison.Ordinal);

        Assert.Contains("The cart stays empty after clicking Add.", html, StringComparison.Ordinal);
        Assert.Contains("file=step-01.jpg&amp;handler=Screenshot", html, StringComparison.Ordinal);
        var step = await client.GetAsync("/Reports/WebEval?handler=Screenshot&key=runs/7/web-eval-1&file=step-01.jpg");
        Assert.Equal("image/jpeg", step.Content.Headers.ContentType?.MediaType);

        var image = await client.GetAsync(WebUtility.HtmlDecode(screenshot));
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
        var json = await client.GetStringAsync("/Reports/WebEval?handler=Json&key=runs/7/web-eval-1");
        Assert.Contains("\"verdict\": \"failed\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Reports/WebEval?key=runs/none")]
    [InlineData("/Reports/WebEval?key=../../etc")]
    [InlineData("/Reports/WebEval?handler=Screenshot&key=runs/7/web-eval-1&file=../web-eval-1/page-01-items.png")]
    [InlineData("/Reports/WebEval?handler=Screenshot&key=runs/7/web-eval-1&file=report.json")]
    [InlineData("/Reports/WebEval?handler=Screenshot&key=runs/7/..&file=page-01-items.png")]
    [InlineData("/Reports/WebEval?handler=Json&key=/etc")]
    public async Task KeysOrFilesOutsideTheReportFolder_AreNotFound(string path)
    {
        await StoreReportAsync("runs/7/web-eval-1");
        var client = await factory.CreateSignedInClientAsync();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ReportPageAndScreenshots_RequireTheAdmin()
    {
        await StoreReportAsync("runs/7/web-eval-1");
        var anonymous = factory.CreateAnonymousClient();

        var page = await anonymous.GetAsync("/Reports/WebEval?key=runs/7/web-eval-1");
        var image = await anonymous.GetAsync("/Reports/WebEval?handler=Screenshot&key=runs/7/web-eval-1&file=page-01-items.png");

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (page.StatusCode, image.StatusCode));
    }

    [Fact]
    public async Task EvaluationRunByTheApp_IsShownOnItsReportPage()
    {
        Chromium.Require();
        await using var site = await TestSite.StartAsync();
        var key = "runs/8/web-eval-1";
        var artifacts = factory.Services.GetRequiredService<WebEvalArtifacts>();

        var outcome = await factory.Services.GetRequiredService<IWebEvaluator>().EvaluateAsync(
            new WebEvalRequest(site.BaseUrl, new WebEvalConfig { Pages = ["/console"] }, artifacts.DirectoryFor(key), WebEvalArtifacts.PageUrl(key)),
            CancellationToken.None);

        Assert.Equal(WebEvalVerdict.Failed, outcome.Verdict);
        Assert.Contains("[Full report with screenshots](/Reports/WebEval?key=runs%2F8%2Fweb-eval-1)", outcome.Markdown, StringComparison.Ordinal);
        var client = await factory.CreateSignedInClientAsync();
        var html = await client.GetStringAsync(WebEvalArtifacts.PageUrl(key));
        Assert.Contains("Widget failed to mount: #chart missing", html, StringComparison.Ordinal);
        Assert.Contains("file=page-01-console.png", html, StringComparison.Ordinal);
    }
}
