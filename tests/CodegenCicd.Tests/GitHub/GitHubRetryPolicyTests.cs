using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CodegenCicd.GitHub.Api;
using Polly;
using Polly.Timeout;

namespace CodegenCicd.Tests.GitHub;

/// <summary>Which GitHub failures are retried in-process, after how long, and where that stops.</summary>
public sealed class GitHubRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly GitHubRetryPolicy policy = new(transientRetries: 4, firstDelay: Seconds(1), new ManualClock(Now));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task ServerError_OnARead_IsRetriedAfterASecond(HttpStatusCode status)
    {
        Assert.Equal(Seconds(1), await DelayAsync(Get(), Answer(status), attempt: 0));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.MethodNotAllowed)]
    public async Task ClientError_IsNeverRetried(HttpStatusCode status)
    {
        Assert.Null(await DelayAsync(Get(), Answer(status), attempt: 0));
        Assert.Null(await DelayAsync(Marked(HttpMethod.Patch), Answer(status), attempt: 0));
    }

    [Fact]
    public async Task BackOff_DoublesFromTheFirstDelay_AndStopsAfterTheConfiguredRetries()
    {
        var delays = new List<TimeSpan?>();
        for (var attempt = 0; attempt <= 4; attempt++)
        {
            delays.Add(await DelayAsync(Get(), Answer(HttpStatusCode.BadGateway), attempt));
        }

        Assert.Equal([Seconds(1), Seconds(2), Seconds(4), Seconds(8), null], delays);
    }

    [Fact]
    public void BackOff_IsCappedAtTenSeconds()
    {
        var slow = new GitHubRetryPolicy(10, Seconds(3), TimeProvider.System);

        Assert.Equal(Seconds(6), slow.TransientDelay(1));
        Assert.Equal(GitHubRetryPolicy.MaxTransientDelay, slow.TransientDelay(2));
        Assert.Equal(GitHubRetryPolicy.MaxTransientDelay, slow.TransientDelay(60));
    }

    [Fact]
    public async Task NoTransientRetries_WhenConfiguredToZero_ButRateLimitsStillWaited()
    {
        var none = new GitHubRetryPolicy(0, Seconds(1), new ManualClock(Now));

        Assert.Null(await none.DelayAsync(Outcome.FromResult(Answer(HttpStatusCode.BadGateway)), Get(), 0));
        var limited = Outcome.FromResult(Answer(HttpStatusCode.TooManyRequests, retryAfter: 5));
        Assert.Equal(Seconds(5), await none.DelayAsync(limited, Get(), 0));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task ServerError_OnAnUnmarkedWrite_IsNotRetried_GitHubMayHaveCarriedItOut(string method)
    {
        var write = new HttpRequestMessage(new HttpMethod(method), "repos/o/r/issues/1/comments");

        Assert.Null(await DelayAsync(write, Answer(HttpStatusCode.BadGateway), 0));
        Assert.Null(await DelayAsync(write, new HttpRequestException("reset"), 0));
    }

    [Fact]
    public async Task ServerError_OnAWriteMarkedSafe_IsRetried()
    {
        Assert.Equal(Seconds(1), await DelayAsync(Marked(HttpMethod.Post), Answer(HttpStatusCode.BadGateway), 0));
    }

    [Fact]
    public async Task ServerError_OnAWriteMadeInsideARetrySafeCall_IsRetried_AndTheMarkEndsWithTheCall()
    {
        var patch = new HttpRequestMessage(HttpMethod.Patch, "repos/o/r/check-runs/1");

        var inside = await RetrySafeRequests.RunAsync(() =>
            DelayAsync(patch, Answer(HttpStatusCode.BadGateway), 0).AsTask());
        var after = await DelayAsync(patch, Answer(HttpStatusCode.BadGateway), 0);

        Assert.Equal(Seconds(1), inside);
        Assert.Null(after);
    }

    [Fact]
    public async Task TimeoutsAndNetworkErrors_AreRetried_OnSafeRequestsOnly()
    {
        Assert.Equal(Seconds(2), await DelayAsync(Get(), new TimeoutRejectedException(), attempt: 1));
        Assert.Equal(Seconds(1), await DelayAsync(Get(), new HttpRequestException("connection reset"), attempt: 0));
        var merge = new HttpRequestMessage(HttpMethod.Put, "repos/o/r/pulls/1/merge");
        Assert.Null(await DelayAsync(merge, new TimeoutRejectedException(), 0));
        Assert.Null(await DelayAsync(Get(), new InvalidOperationException("a bug"), 0));
    }

    [Fact]
    public async Task ServerErrorWithRetryAfter_WaitsWhatGitHubAsks_UpToTheCap()
    {
        Assert.Equal(Seconds(7), await DelayAsync(Get(), Answer(HttpStatusCode.ServiceUnavailable, retryAfter: 7), 0));
        var dated = Answer(HttpStatusCode.ServiceUnavailable);
        dated.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(20));
        Assert.Equal(Seconds(20), await DelayAsync(Get(), dated, 0));
        // Longer than the cap: the job fails now and is retried later, rather than holding its worker.
        Assert.Null(await DelayAsync(Get(), Answer(HttpStatusCode.ServiceUnavailable, retryAfter: 600), 0));
    }

    [Fact]
    public async Task RateLimit_IsRetriedForAnyMethod_HonouringRetryAfter_BecauseGitHubRefusedIt()
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "repos/o/r/issues/1/comments");

        Assert.Equal(Seconds(3), await DelayAsync(post, Answer(HttpStatusCode.TooManyRequests, retryAfter: 3), 0));
        Assert.Equal(Seconds(3), await DelayAsync(post, Answer(HttpStatusCode.Forbidden, retryAfter: 3), 0));
        var lastAttempt = GitHubRetryPolicy.RateLimitRetries;
        Assert.Null(await DelayAsync(post, Answer(HttpStatusCode.Forbidden, retryAfter: 3), lastAttempt));
        Assert.Null(await DelayAsync(post, Answer(HttpStatusCode.TooManyRequests, retryAfter: 3600), 0));
    }

    [Fact]
    public async Task SecondaryLimitWithoutHeaders_BacksOffFromAMinute_WhilePlainForbiddenIsNotRetried()
    {
        var post = new HttpRequestMessage(HttpMethod.Post, "repos/o/r/check-runs");
        var secondary = Answer(HttpStatusCode.Forbidden,
            body: """{"message":"You have exceeded a secondary rate limit."}""");
        var forbidden = Answer(HttpStatusCode.Forbidden,
            body: """{"message":"Resource not accessible by integration"}""");

        Assert.Equal(Seconds(60), await DelayAsync(post, secondary, 0));
        Assert.Null(await DelayAsync(post, forbidden, 0));
        // The body was only peeked at: the caller still reads all of it.
        Assert.Contains("secondary rate limit", await secondary.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpentQuota_WaitsUntilTheReset_UnlessThatIsBeyondTheCap()
    {
        var soon = Answer(HttpStatusCode.Forbidden);
        soon.Headers.Add("x-ratelimit-remaining", "0");
        soon.Headers.Add("x-ratelimit-reset", UnixSeconds(Now.AddSeconds(30)));
        var late = Answer(HttpStatusCode.Forbidden);
        late.Headers.Add("x-ratelimit-remaining", "0");
        late.Headers.Add("x-ratelimit-reset", UnixSeconds(Now.AddMinutes(40)));

        Assert.Equal(Seconds(31), await DelayAsync(Get(), soon, 0));
        Assert.Null(await DelayAsync(Get(), late, 0));
    }

    private ValueTask<TimeSpan?> DelayAsync(HttpRequestMessage request, HttpResponseMessage response, int attempt) =>
        policy.DelayAsync(Outcome.FromResult(response), request, attempt);

    private ValueTask<TimeSpan?> DelayAsync(HttpRequestMessage request, Exception exception, int attempt) =>
        policy.DelayAsync(Outcome.FromException<HttpResponseMessage>(exception), request, attempt);

    private static HttpRequestMessage Get() => new(HttpMethod.Get, "repos/o/r/commits/abc/check-runs");

    private static HttpRequestMessage Marked(HttpMethod method)
    {
        var request = new HttpRequestMessage(method, "app/installations/1/access_tokens");
        RetrySafeRequests.Mark(request);
        return request;
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    private static string UnixSeconds(DateTimeOffset at) =>
        at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static HttpResponseMessage Answer(
        HttpStatusCode status, int? retryAfter = null, string body = """{"message":"x"}""")
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (retryAfter is { } seconds)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(Seconds(seconds));
        }
        return response;
    }
}
