using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Memory;

namespace CodegenCicd.Accounts;

/// <summary>
/// A GitHub user's permission on a repository, read with their own token from
/// <c>GET /repos/{owner}/{repo}</c> (its <c>permissions</c>) and cached for a few minutes, so a
/// page full of runs asks GitHub once per repository, and a permission removed on GitHub ends
/// access here within the cache window. A repository they cannot see (404) is no access.
/// </summary>
public sealed class RepositoryPermissions(
    GitHubOAuthClient github, GitHubUsers users, IMemoryCache cache, ILogger<RepositoryPermissions> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(3);

    public async Task<AccessLevel> GetAsync(long userId, string repository, CancellationToken cancellationToken)
    {
        var key = ("repo-permission", userId, repository.ToLowerInvariant());
        if (cache.TryGetValue(key, out AccessLevel cached))
        {
            return cached;
        }
        var level = await AskGitHubAsync(userId, repository, cancellationToken);
        cache.Set(key, level, CacheFor);
        return level;
    }

    private async Task<AccessLevel> AskGitHubAsync(long userId, string repository, CancellationToken cancellationToken)
    {
        if (await users.TokenAsync(userId, cancellationToken) is not { } token)
        {
            return AccessLevel.None;
        }
        var parts = repository.Split('/', 2);
        if (parts.Length != 2)
        {
            return AccessLevel.None;
        }
        using var request = github.UserRequest(HttpMethod.Get,
            $"repos/{Uri.EscapeDataString(parts[0])}/{Uri.EscapeDataString(parts[1])}", token);
        using var response = await github.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return AccessLevel.None;
        }
        if (!response.IsSuccessStatusCode)
        {
            // Not cached as "no access" for long by accident: GitHub being down is not a revoked permission.
            logger.LogWarning("GitHub answered {Status} when reading user {UserId}'s permission on {Repository}",
                (int)response.StatusCode, userId, repository);
            throw new HttpRequestException(
                $"GitHub answered {(int)response.StatusCode} when reading your permission on {repository}; "
                + "try again shortly.");
        }
        var answer = await response.Content.ReadFromJsonAsync<RepositoryAnswer>(cancellationToken);
        return answer?.Permissions is not { } p ? AccessLevel.None
            : p.Admin ? AccessLevel.Admin
            : p.Push || p.Maintain ? AccessLevel.Write
            : p.Pull || p.Triage ? AccessLevel.Read
            : AccessLevel.None;
    }

    private sealed record RepositoryAnswer([property: JsonPropertyName("permissions")] PermissionSet? Permissions);

    private sealed record PermissionSet(
        [property: JsonPropertyName("admin")] bool Admin,
        [property: JsonPropertyName("maintain")] bool Maintain,
        [property: JsonPropertyName("push")] bool Push,
        [property: JsonPropertyName("triage")] bool Triage,
        [property: JsonPropertyName("pull")] bool Pull);
}
