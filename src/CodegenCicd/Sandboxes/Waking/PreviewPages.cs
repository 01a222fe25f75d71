using System.Net;

namespace CodegenCicd.Sandboxes.Waking;

/// <summary>
/// The small pages a preview link answers with while its preview is not serving: waking (refreshes
/// itself until the preview answers), could not wake, or gone for good and why.
/// </summary>
internal static class PreviewPages
{
    public const int RefreshSeconds = 2;

    public static Task WakingAsync(HttpContext context, string repository, int pullRequest, string headSha)
    {
        context.Response.Headers.RetryAfter =
            RefreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"Waking the preview of #{pullRequest}…",
            $"<p>The preview of <b>{Encode(repository)}#{pullRequest}</b> was asleep; "
            + $"it is starting again from commit <code>{Short(headSha)}</code>.</p>"
            + "<p>This page refreshes itself and shows the preview once it answers.</p>",
            refresh: true);
    }

    public static Task FailedAsync(HttpContext context, string repository, int pullRequest, string error) =>
        WriteAsync(context, StatusCodes.Status502BadGateway, $"The preview of #{pullRequest} could not wake",
            $"<p>The preview of <b>{Encode(repository)}#{pullRequest}</b> did not start again: {Encode(error)}</p>"
            + $"<p>Reload this page in {(int)PreviewWaker.FailureShownFor.TotalSeconds} seconds to try again, "
            + "or look at the pull request's latest run.</p>",
            refresh: false);

    public static Task ClosedAsync(
        HttpContext context, string repository, int pullRequest, bool merged, DateTimeOffset closedAt) =>
        WriteAsync(context, StatusCodes.Status410Gone, $"The preview of #{pullRequest} is gone",
            $"<p>Pull request <b>{Encode(repository)}#{pullRequest}</b> was {(merged ? "merged" : "closed")} "
            + $"on {closedAt:yyyy-MM-dd HH:mm} UTC, "
            + "so its preview was stopped for good. Reopening the pull request deploys it again.</p>",
            refresh: false);

    public static Task SupersededAsync(
        HttpContext context, string repository, int pullRequest, string oldSha, string newSha, string stablePath) =>
        WriteAsync(context, StatusCodes.Status410Gone, $"This preview of #{pullRequest} was replaced",
            $"<p>This link showed commit <code>{Short(oldSha)}</code> of <b>{Encode(repository)}#{pullRequest}</b>, "
            + $"which was replaced by commit <code>{Short(newSha)}</code>.</p>"
            + $"<p>The pull request's current preview: <a href=\"{Encode(stablePath)}\">{Encode(stablePath)}</a> "
            + "(admin sign-in).</p>",
            refresh: false);

    private static string Short(string sha) => Encode(sha[..Math.Min(7, sha.Length)]);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static async Task WriteAsync(HttpContext context, int status, string title, string body, bool refresh)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var meta = refresh ? $"<meta http-equiv=\"refresh\" content=\"{RefreshSeconds}\">" : "";
        await context.Response.WriteAsync(
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">{meta}<title>{Encode(title)}</title>"
            + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}"
            + "code{background:#eee;padding:0 .2em}</style>"
            + $"</head><body><h1>{Encode(title)}</h1>{body}</body></html>");
    }
}
