using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace CodegenCicd.GitHub.Api;

/// <summary>
/// The in-process retries of every GitHub request (Octokit's and <see cref="GitHubAppApi"/>'s share this
/// client's handler pipeline). Rate limits: the wait GitHub asks for (<see cref="GitHubRateLimits"/>), at most
/// <see cref="RateLimitRetries"/> times. A 5xx, a timeout or a network error on a request that is safe to send again
/// (<see cref="RetrySafeRequests"/>): short back-off, or GitHub's <c>Retry-After</c>. A blip thus costs seconds;
/// Hangfire's job-level retry, whose back-off grows to minutes, is left for longer outages.
/// </summary>
public sealed class GitHubRetryPolicy(int transientRetries, TimeSpan firstDelay, TimeProvider time)
{
    public const int RateLimitRetries = 3;

    /// <summary>The longest back-off between two transient retries (GitHub's Retry-After may ask for more).</summary>
    public static readonly TimeSpan MaxTransientDelay = TimeSpan.FromSeconds(10);

    /// <summary>Each attempt's own limit: a request hanging longer counts as a timeout.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    public static GitHubRetryPolicy From(GitHubOptions options, TimeProvider time) =>
        new(options.TransientRetries, TimeSpan.FromSeconds(options.TransientRetryDelaySeconds), time);

    public void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline)
    {
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(RateLimitRetries, transientRetries),
            ShouldHandle = async args =>
                await DelayAsync(args.Outcome, args.Context.GetRequestMessage(), args.AttemptNumber) is not null,
            DelayGenerator = args => DelayAsync(args.Outcome, args.Context.GetRequestMessage(), args.AttemptNumber),
        });
        pipeline.AddTimeout(AttemptTimeout);
    }

    /// <summary>
    /// How long to wait before sending the request again after this outcome of attempt <paramref name="attempt"/>
    /// (0-based), or null to give up.
    /// </summary>
    public async ValueTask<TimeSpan?> DelayAsync(
        Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, int attempt)
    {
        if (outcome.Result is { } response)
        {
            if (await GitHubRateLimits.WaitForAsync(response, attempt, time) is { } limitWait)
            {
                return attempt < RateLimitRetries && limitWait <= GitHubRateLimits.MaxWait ? limitWait : null;
            }
            if (!IsServerError(response.StatusCode) || !MayRetryTransient(request, attempt))
            {
                return null;
            }
            var retryAfter = GitHubRateLimits.RetryAfter(response, time);
            return retryAfter > GitHubRateLimits.MaxWait ? null : retryAfter ?? TransientDelay(attempt);
        }
        return outcome.Exception is HttpRequestException or TimeoutRejectedException
            && MayRetryTransient(request, attempt)
            ? TransientDelay(attempt)
            : null;
    }

    /// <summary>
    /// The back-off before transient retry number <paramref name="attempt"/> + 1: doubling from the first delay,
    /// capped at <see cref="MaxTransientDelay"/>.
    /// </summary>
    public TimeSpan TransientDelay(int attempt)
    {
        var delay = firstDelay * Math.Pow(2, Math.Min(attempt, 16));
        return delay < MaxTransientDelay ? delay : MaxTransientDelay;
    }

    /// <summary>Whether a transient failure of attempt <paramref name="attempt"/> (0-based) gets another.</summary>
    public bool HasTransientRetryLeft(int attempt) => attempt < transientRetries;

    public static bool IsServerError(HttpStatusCode status) => (int)status >= 500;

    private bool MayRetryTransient(HttpRequestMessage? request, int attempt) =>
        HasTransientRetryLeft(attempt) && RetrySafeRequests.IsRetrySafe(request);
}
