using System.Threading.RateLimiting;

namespace CodegenCicd.Codegen.Api;

/// <summary>
/// Waits for a permit before each Codegen call (and a creation permit before creating a run). It sits
/// inside the retry handler, so every retry waits for its own permit too. A full queue fails at once
/// with a clear message rather than piling up requests without bound.
/// </summary>
public sealed class CodegenRateLimitHandler(CodegenRateLimits limits) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        // Creation first: holding a general permit while waiting a minute for a creation slot would waste it.
        using var creation = IsCreation(request)
            ? await AcquireAsync(limits.Creations, "agent creations", cancellationToken)
            : null;
        using var call = await AcquireAsync(limits.AllCalls, "calls", cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary><c>POST /v1/organizations/{org}/agent/run</c>, not <c>…/agent/run/resume</c>.</summary>
    public static bool IsCreation(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post
        && request.RequestUri?.AbsolutePath.TrimEnd('/').EndsWith("/agent/run", StringComparison.Ordinal) == true;

    private static async Task<RateLimitLease> AcquireAsync(RateLimiter limiter, string what,
        CancellationToken cancellationToken)
    {
        var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new CodegenApiException(null,
                $"Too many Codegen {what} are already waiting for the rate limit; try again in a minute.");
        }
        return lease;
    }
}
