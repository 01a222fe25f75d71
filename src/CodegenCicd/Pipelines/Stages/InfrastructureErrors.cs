using Octokit;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Tells failures of the platform (retried, then action_required) from anything the author's code did.
/// </summary>
public static class InfrastructureErrors
{
    public static string Describe(Exception e) => e switch
    {
        SecondaryRateLimitExceededException => "GitHub's secondary rate limit was hit",
        RateLimitExceededException limit => $"GitHub's rate limit was exhausted until {limit.Reset:u}",
        ApiException api when (int)api.StatusCode >= 500 => $"GitHub answered {(int)api.StatusCode}: {api.Message}",
        ApiException api => $"GitHub answered {(int)api.StatusCode}: {api.Message}",
        HttpRequestException http => $"a network call failed: {http.Message}",
        TimeoutException or TaskCanceledException => "a call timed out",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
