namespace CodegenCicd.GitHub.Api;

/// <summary>
/// Which GitHub requests may be sent again after a 5xx, a timeout or a network error. GitHub may have carried
/// out a request that answered 502, so only reads are safe by nature; a write is retried only when its caller
/// says that repeating it changes nothing (setting a check run's state, asking for another installation token).
/// A comment, a merge or a check-run creation is never marked: a second one would be a duplicate or a different
/// action, so those are left to the caller (the check-run creation looks for the first one before retrying).
/// A rate-limited request was refused, not carried out, so it is retried whatever its mark.
/// </summary>
public static class RetrySafeRequests
{
    /// <summary>Set on a request built by hand (<see cref="GitHubAppApi"/>) to mark it safe to repeat.</summary>
    public static readonly HttpRequestOptionsKey<bool> Key = new("CodegenCicd.GitHub.RetrySafe");

    // Octokit builds its own requests, so its callers mark a call through the async flow instead.
    private static readonly AsyncLocal<bool> Ambient = new();

    /// <summary>Runs one Octokit call whose requests may be repeated after a 5xx or timeout.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        // An async method restores the caller's flow when it returns, so the mark never outlives the call.
        Ambient.Value = true;
        return await call();
    }

    public static void Mark(HttpRequestMessage request) => request.Options.Set(Key, true);

    public static bool IsRetrySafe(HttpRequestMessage? request) =>
        request is not null && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head
            || (request.Options.TryGetValue(Key, out var marked) && marked) || Ambient.Value);
}
