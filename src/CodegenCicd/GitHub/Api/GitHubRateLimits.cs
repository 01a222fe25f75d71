using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CodegenCicd.GitHub.Api;

/// <summary>
/// GitHub's primary and secondary rate limits as a retry strategy (REFERENCE.md): on 403/429 honour
/// <c>retry-after</c>, else wait for <c>x-ratelimit-reset</c> when the quota is spent, else back off
/// from 60 s. A limited request was refused, never executed, so retrying a POST is safe. A wait longer
/// than <see cref="MaxWait"/> is not taken: the caller (a job) fails and Hangfire retries it later
/// rather than holding a worker.
/// </summary>
public static class GitHubRateLimits
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DefaultSecondaryWait = TimeSpan.FromSeconds(60);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeProvider time)
    {
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } response
                ? WaitFor(response, args.AttemptNumber, time) is { } wait && wait <= MaxWait
                : args.Outcome.Exception is HttpRequestException && IsIdempotent(args.Context)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result is { } response
                ? WaitFor(response, args.AttemptNumber, time)
                : TimeSpan.FromSeconds(Math.Pow(2, args.AttemptNumber))),
        });
        pipeline.AddTimeout(TimeSpan.FromSeconds(30));
    }

    /// <summary>How long GitHub asks us to wait before retrying, or null when the response is not a rate limit.</summary>
    public static TimeSpan? WaitFor(HttpResponseMessage response, int attempt, TimeProvider time)
    {
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta
                ?? (retryAfter.Date is { } date ? Max(date - time.GetUtcNow(), TimeSpan.Zero) : DefaultSecondaryWait);
        }
        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
        {
            return Max(DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow(), TimeSpan.Zero) + TimeSpan.FromSeconds(1);
        }
        // A 429, or a 403 that says nothing: a secondary limit without hints; a plain 403 is a permission error.
        return response.StatusCode == HttpStatusCode.TooManyRequests
            ? DefaultSecondaryWait * Math.Pow(2, attempt)
            : null;
    }

    private static bool IsIdempotent(ResilienceContext context) =>
        context.GetRequestMessage()?.Method is { } method && (method == HttpMethod.Get || method == HttpMethod.Head);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
