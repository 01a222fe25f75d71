using System.Diagnostics;
using CodegenCicd.Projects;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.WebEval;

/// <summary>The one-browser-per-process host: reuse, a crash mid-evaluation, a browser that will not start.</summary>
public sealed class BrowserHostTests
{
    [Fact]
    public async Task BrowserKilledDuringAnEvaluation_EndsAsErrorAndTheNextEvaluationStartsItAgain()
    {
        Chromium.Require();
        await using var site = await TestSite.StartAsync();
        await using var harness = WebEvalHarness.Create();
        var browser = harness.Services.GetRequiredService<BrowserHost>();
        var healthy = await harness.EvaluateAsync(site.BaseUrl, new WebEvalConfig { Pages = ["/"] });
        Assert.Equal(WebEvalVerdict.Passed, healthy.Outcome.Verdict);
        var pid = await browser.GetBrowserProcessIdAsync(CancellationToken.None) ?? throw new InvalidOperationException("no browser pid");
        site.OnKillBrowser = async () =>
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        };

        var crashed = await harness.EvaluateAsync(site.BaseUrl, new WebEvalConfig { Pages = ["/kill-browser", "/"] });

        Assert.Equal(WebEvalVerdict.Error, crashed.Outcome.Verdict);
        Assert.Contains("browser process exited", crashed.Outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("⚠️", crashed.Outcome.Markdown, StringComparison.Ordinal);

        site.OnKillBrowser = null;
        var after = await harness.EvaluateAsync(site.BaseUrl, new WebEvalConfig { Pages = ["/"] });
        Assert.Equal(WebEvalVerdict.Passed, after.Outcome.Verdict);
        Assert.Equal(2, browser.Launches);
    }

    [Fact]
    public async Task EvaluationsInARow_ReuseOneBrowserWithAFreshContextEach()
    {
        Chromium.Require();
        await using var site = await TestSite.StartAsync();
        await using var harness = WebEvalHarness.Create();

        var first = await harness.EvaluateAsync(site.BaseUrl, new WebEvalConfig { Pages = ["/"] });
        var second = await harness.EvaluateAsync(site.BaseUrl, new WebEvalConfig { Pages = ["/about"] });

        Assert.Equal((WebEvalVerdict.Passed, WebEvalVerdict.Passed), (first.Outcome.Verdict, second.Outcome.Verdict));
        Assert.Equal(1, harness.Services.GetRequiredService<BrowserHost>().Launches);
    }

    [Fact]
    public async Task EvaluationsBeyondTheConcurrencyLimit_WaitForAFreeSlot()
    {
        Chromium.Require();
        await using var browser = new BrowserHost(
            Microsoft.Extensions.Options.Options.Create(new BrowserOptions { MaxConcurrentEvaluations = 1 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BrowserHost>.Instance);
        var first = await browser.OpenSessionAsync(CancellationToken.None);

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => browser.OpenSessionAsync(patience.Token));

        await first.DisposeAsync();
        await using var third = await browser.OpenSessionAsync(CancellationToken.None);
        Assert.True(third.BrowserAlive);
        Assert.Equal(1, browser.Launches);
    }

    [Fact]
    public async Task ExecutableThatIsNotChromium_EndsAsErrorSayingItWouldNotStart()
    {
        await using var harness = WebEvalHarness.Create(new() { ["Browser:ExecutablePath"] = "/bin/false" });

        var (outcome, report, _) = await harness.EvaluateAsync(new Uri("http://127.0.0.1:9/"), new WebEvalConfig { Pages = ["/"] });

        Assert.Equal(WebEvalVerdict.Error, outcome.Verdict);
        Assert.StartsWith("Chromium at /bin/false would not start", report.Error, StringComparison.Ordinal);
        Assert.Empty(report.Pages);
    }
}
