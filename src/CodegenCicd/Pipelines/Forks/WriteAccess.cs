using Octokit;

namespace CodegenCicd.Pipelines.Forks;

/// <summary>
/// Whether a GitHub user may act for the repository (admin, maintain or write), asked through
/// <c>GET /repos/{o}/{r}/collaborators/{user}/permission</c>: a requested action on a check run names who
/// pressed it, and a fork's author must not approve or merge their own pull request.
/// </summary>
public static class WriteAccess
{
    public static async Task<bool> HasAsync(IGitHubClient client, string owner, string name, string? login)
    {
        if (string.IsNullOrEmpty(login))
        {
            return false;
        }
        try
        {
            var uri = new Uri($"repos/{owner}/{name}/collaborators/{Uri.EscapeDataString(login)}/permission",
                UriKind.Relative);
            var answer = await client.Connection.Get<PermissionAnswer>(uri, new Dictionary<string, string>());
            return answer.Body?.Permission?.ToLowerInvariant() is "admin" or "maintain" or "write";
        }
        catch (NotFoundException)
        {
            // Not a collaborator (or no such user).
            return false;
        }
    }

    /// <summary>The reply's one field the check needs (Octokit's own model has no room for "maintain").</summary>
    private sealed class PermissionAnswer
    {
        public string? Permission { get; set; }
    }
}
