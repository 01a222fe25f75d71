using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CodegenCicd.WebEval.Reports;
using Microsoft.Playwright;

namespace CodegenCicd.WebEval.Checks;

/// <summary>
/// Listens to one page while it is checked: console errors, uncaught exceptions, requests that
/// failed or answered ≥ 400, and requests still in flight (what a hanging page waits for).
/// </summary>
internal sealed partial class PageProblems
{
    private const int MaxEntries = 200;
    private readonly ConcurrentQueue<ConsoleIssue> console = new();
    private readonly ConcurrentQueue<FailedRequest> failed = new();
    private readonly ConcurrentDictionary<IRequest, byte> inFlight = new();
    private readonly ConcurrentDictionary<IRequest, byte> answered = new();

    /// <param name="blockedReason">
    /// Why a URL's host was refused by the evaluation's proxy, so the report says "blocked".
    /// </param>
    /// <param name="connectFailure">
    /// Why a URL's host could not be reached, in Chromium's words (the proxy hides it).
    /// </param>
    public PageProblems(IPage page, Func<Uri, string?>? blockedReason = null, Func<Uri, string?>? connectFailure = null)
    {
        string? Unreachable(string url) =>
            connectFailure is not null && Uri.TryCreate(url, UriKind.Absolute, out var parsed)
                ? connectFailure(parsed)
                : null;
        string? Blocked(string url) =>
            blockedReason is not null && Uri.TryCreate(url, UriKind.Absolute, out var parsed)
                && blockedReason(parsed) is { } why
                ? $"blocked: {parsed.Host} is {why}" : null;
        page.Console += (_, message) =>
        {
            // Chromium echoes every failed resource as a console error; the failed request says more.
            if (message.Type == "error"
                && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Add(console,
                    new ConsoleIssue(ConsoleIssueKind.ConsoleError, Clip(message.Text), Where(message.Location)));
            }
        };
        page.PageError += (_, error) => Add(console, new ConsoleIssue(ConsoleIssueKind.UncaughtException,
            Clip(error.Split('\n', 2)[0]),
            StackLocation().Match(error) is { Success: true } m ? m.Groups[1].Value : null));
        page.Request += (_, request) => inFlight[request] = 0;
        page.RequestFinished += (_, request) => inFlight.TryRemove(request, out byte _);
        page.RequestFailed += (_, request) =>
        {
            inFlight.TryRemove(request, out byte _);
            // A response nobody reads is aborted when the page moves on; its status was already judged.
            if (answered.ContainsKey(request) && request.Failure == "net::ERR_ABORTED")
            {
                return;
            }
            Add(failed, new FailedRequest(request.Method, Clip(request.Url), null,
                Blocked(request.Url) ?? Unreachable(request.Url) ?? request.Failure, request.ResourceType));
        };
        page.Response += (_, response) =>
        {
            answered[response.Request] = 0;
            // The document's own status is reported as the page's status, not as a failed request.
            if (response.Request.IsNavigationRequest && response.Frame == page.MainFrame)
            {
                DocumentStatus = response.Status;
            }
            else if (response.Status >= 400)
            {
                var blocked = Blocked(response.Url);
                Add(failed, new FailedRequest(response.Request.Method, Clip(response.Url),
                    blocked is null ? response.Status : null, blocked, response.Request.ResourceType));
            }
        };
    }

    /// <summary>
    /// The last status of the main document (after redirects), even when Chromium then refused to render it.
    /// </summary>
    public int? DocumentStatus { get; private set; }

    public IReadOnlyList<ConsoleIssue> ConsoleErrors => [.. console];

    public IReadOnlyList<FailedRequest> FailedRequests => [.. failed];

    /// <summary>"GET http://…/slow" for each request not yet answered.</summary>
    public IReadOnlyList<string> Pending => [.. inFlight.Keys.Take(10).Select(r => $"{r.Method} {Clip(r.Url)}")];

    private static string? Where(string location) => string.IsNullOrWhiteSpace(location) ? null : location;

    private static void Add<T>(ConcurrentQueue<T> queue, T item)
    {
        if (queue.Count < MaxEntries)
        {
            queue.Enqueue(item);
        }
    }

    internal static string Clip(string text, int max = 1000) => text.Length <= max ? text : text[..max] + "…";

    [GeneratedRegex(@"\(?((?:https?|file)://[^\s()]+:\d+:\d+)\)?")]
    private static partial Regex StackLocation();
}
