using System.Globalization;
using System.Net;

namespace CodegenCicd.GitHub.Api;

/// <summary>
/// GitHub's primary and secondary rate limits (REFERENCE.md): on 403/429 honour <c>retry-after</c>, else wait
/// for <c>x-ratelimit-reset</c> when the quota is spent, else back off from 60 s. A limited request was refused,
/// never executed, so retrying a POST is safe. <see cref="GitHubRetryPolicy"/> decides whether the wait is taken.
/// </summary>
public static class GitHubRateLimits
{
    /// <summary>
    /// A longer wait is not taken in-process: the caller (a job) fails and is retried later, freeing its worker.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DefaultSecondaryWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long GitHub asks us to wait before retrying, or null when the response is not a rate limit.
    /// </summary>
    public static async ValueTask<TimeSpan?> WaitForAsync(HttpResponseMessage response, int attempt, TimeProvider time)
    {
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }
        if (RetryAfter(response, time) is { } retryAfter)
        {
            return retryAfter;
        }
        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture,
                out var reset))
        {
            return Max(DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow(), TimeSpan.Zero)
                + TimeSpan.FromSeconds(1);
        }
        // A 429, or a 403 whose message names the secondary limit, without hints: back off from a minute.
        // Any other 403 is a permission error and is not retried.
        return response.StatusCode == HttpStatusCode.TooManyRequests || await SaysSecondaryLimitAsync(response)
            ? DefaultSecondaryWait * Math.Pow(2, attempt)
            : null;
    }

    /// <summary>The <c>Retry-After</c> header as a wait from now (seconds or a date), or null without one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) =>
        response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => Max(date - time.GetUtcNow(), TimeSpan.Zero),
        _ => null,
    };

    private static async ValueTask<bool> SaysSecondaryLimitAsync(HttpResponseMessage response)
    {
        // Buffered, so whoever reads the response next (Octokit) still gets the whole body.
        await response.Content.LoadIntoBufferAsync();
        var body = await response.Content.ReadAsStringAsync();
        return body.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
