using System.Diagnostics;
using System.Text.RegularExpressions;
using CodegenCicd.WebEval.Browser;
using CodegenCicd.WebEval.Reports;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Checks;

/// <summary>
/// Loads one page in the evaluation's context and records what a user would notice: the
/// document's status, console errors, failed requests, load time, expectations and a screenshot.
/// </summary>
internal sealed partial class PageChecker(BrowserSession session, string artifactDirectory)
{
    /// <summary>After the load event, how long to wait for the page's own API calls to settle.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ExpectationWait = TimeSpan.FromSeconds(5);

    public async Task<(PageResult Result, IReadOnlyList<Uri> Links)> CheckAsync(
        PageTarget target, int index, TimeSpan navigationTimeout, CancellationToken cancellationToken)
    {
        var page = await session.Context.NewPageAsync();
        try
        {
            var problems = new PageProblems(page, session.BlockedReason, session.ConnectFailure);
            var stopwatch = Stopwatch.StartNew();
            var (status, loadFailure) = await NavigateAsync(page, target.Url, navigationTimeout, problems);
            var loadMs = loadFailure is null ? stopwatch.Elapsed.TotalMilliseconds : (double?)null;
            if (loadFailure is null)
            {
                await SettleAsync(page);
            }
            cancellationToken.ThrowIfCancellationRequested();

            var expectations = loadFailure is null ? await CheckExpectationsAsync(page, target.Expectations) : [];
            var screenshot = await ScreenshotAsync(page, index, target.Path);
            var links = loadFailure is null && target.Depth > 0
                ? await PageInspection.SameOriginLinksAsync(page, target.Url)
                : [];
            var consoleErrors = problems.ConsoleErrors;
            var failedRequests = problems.FailedRequests;
            var result = new PageResult
            {
                Path = target.Path,
                Url = target.Url,
                LinkedFrom = target.LinkedFrom,
                Status = status,
                LoadFailure = loadFailure,
                LoadMs = loadMs,
                Title = loadFailure is null ? await PageInspection.TitleAsync(page) : null,
                ConsoleErrors = consoleErrors,
                FailedRequests = failedRequests,
                Expectations = expectations,
                Screenshot = screenshot,
                Passed = loadFailure is null && status is >= 200 and < 400 && consoleErrors.Count == 0
                    && failedRequests.Count == 0 && expectations.All(e => e.Met),
            };
            return (result, links);
        }
        finally
        {
            await PageInspection.CloseQuietlyAsync(page);
        }
    }

    private async Task<(int? Status, string? Failure)> NavigateAsync(
        IPage page, Uri url, TimeSpan timeout, PageProblems problems)
    {
        try
        {
            var response = await page.GotoAsync(url.AbsoluteUri, new PageGotoOptions
            {
                WaitUntil = WaitUntilState.Load,
                Timeout = (float)timeout.TotalMilliseconds,
            });
            return (response?.Status, null);
        }
        catch (TimeoutException)
        {
            var pending = problems.Pending;
            var waiting = pending.Count > 0 ? "; still waiting for " + string.Join(", ", pending) : "";
            return (null, $"did not finish loading within {timeout.TotalSeconds:0.#} s{waiting}");
        }
        catch (PlaywrightException ex)
        {
            await ThrowIfBrowserDiedAsync(ex);
            // Chromium names network failures: net::ERR_CONNECTION_REFUSED, net::ERR_TOO_MANY_REDIRECTS, …
            var netError = NetError().Match(ex.Message);
            if (netError.Value == "net::ERR_HTTP_RESPONSE_CODE_FAILURE" && problems.DocumentStatus is { } status)
            {
                return (status, null); // An error status with an empty body: the status says it all.
            }
            // Through the evaluation's proxy Chromium sees a refused or unreachable host as an empty answer.
            if (session.BlockedReason(url) is { } blocked)
            {
                return (null, $"blocked: {url.Host} is {blocked}");
            }
            if (session.ConnectFailure(url) is { } unreachable)
            {
                return (null, unreachable);
            }
            return (problems.DocumentStatus, netError.Success ? netError.Value : BrowserHost.FirstLine(ex.Message));
        }
    }

    private async Task ThrowIfBrowserDiedAsync(PlaywrightException error)
    {
        if (await session.BrowserDiedAsync(error))
        {
            throw new BrowserCrashedException();
        }
    }

    private static async Task SettleAsync(IPage page)
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle,
                new PageWaitForLoadStateOptions { Timeout = (float)SettleTime.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            // A page that polls or streams never goes idle; what it did so far is what we report.
        }
    }

    private static async Task<IReadOnlyList<ExpectationResult>> CheckExpectationsAsync(IPage page,
        IReadOnlyList<Projects.PageExpectation> expectations)
    {
        var results = new List<ExpectationResult>();
        foreach (var expect in expectations)
        {
            await CheckExpectationAsync(page, expect, results);
        }
        return results;
    }

    private static async Task CheckExpectationAsync(IPage page, Projects.PageExpectation expect,
        List<ExpectationResult> results)
    {
        if (!string.IsNullOrWhiteSpace(expect.Selector))
        {
            results.Add(await WaitForAsync($"selector `{expect.Selector}` present", page.Locator(expect.Selector).First,
                WaitForSelectorState.Attached));
        }
        if (!string.IsNullOrWhiteSpace(expect.Text))
        {
            results.Add(await WaitForAsync($"text \"{expect.Text}\" visible", page.GetByText(expect.Text).First,
                WaitForSelectorState.Visible));
        }
    }

    private static async Task<ExpectationResult> WaitForAsync(string description, ILocator locator,
        WaitForSelectorState state)
    {
        try
        {
            await locator.WaitForAsync(new LocatorWaitForOptions
            {
                State = state, Timeout = (float)ExpectationWait.TotalMilliseconds
            });
            return new ExpectationResult(description, true, null);
        }
        catch (TimeoutException)
        {
            return new ExpectationResult(description, false, $"not found within {ExpectationWait.TotalSeconds:0} s");
        }
        catch (PlaywrightException ex)
        {
            return new ExpectationResult(description, false, BrowserHost.FirstLine(ex.Message));
        }
    }

    private async Task<string?> ScreenshotAsync(IPage page, int index, string path)
    {
        var name = $"page-{index:00}-{PageInspection.Slug(path)}.png";
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(artifactDirectory, name),
                FullPage = true,
                Timeout = 15_000,
                Animations = ScreenshotAnimations.Disabled,
            });
            return name;
        }
        catch (TimeoutException)
        {
            return null; // A page too busy to paint; the rest of its result still stands.
        }
        catch (PlaywrightException ex)
        {
            await ThrowIfBrowserDiedAsync(ex);
            return null; // A page too broken to paint; the rest of its result still stands.
        }
    }

    [GeneratedRegex(@"net::ERR_[A-Z_]+")]
    private static partial Regex NetError();
}

/// <summary>Chromium died during the evaluation: an infrastructure error, not the author's.</summary>
public sealed class BrowserCrashedException() : Exception("The browser process exited during the evaluation");
