using System.Globalization;
using Octokit;
using Polly.Timeout;

namespace CodegenCicd.GitHub.Api;

/// <summary>
/// Tells an Octokit call's failure that may pass in seconds (GitHub answered 5xx, the call timed out, the network
/// failed) from one that will not (4xx, a rate limit too long to wait out in-process), for callers that retry
/// a call the HTTP pipeline must not repeat blindly (see <see cref="RetrySafeRequests"/>).
/// </summary>
public static class TransientGitHubFailure
{
    public static bool IsTransient(Exception e) => e switch
    {
        ApiException api => GitHubRetryPolicy.IsServerError(api.StatusCode),
        HttpRequestException or TimeoutRejectedException or TimeoutException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>The <c>Retry-After</c> GitHub sent with a failed answer, as a wait from now.</summary>
    public static TimeSpan? RetryAfter(Exception e, TimeProvider time)
    {
        var value = (e as ApiException)?.HttpResponse?.Headers
            .FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value;
        if (value is null)
        {
            return null;
        }
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        var utc = DateTimeStyles.AssumeUniversal;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, utc, out var date)
            ? Max(date - time.GetUtcNow(), TimeSpan.Zero)
            : null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
