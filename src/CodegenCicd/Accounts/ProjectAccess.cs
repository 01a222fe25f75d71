using System.Security.Claims;

namespace CodegenCicd.Accounts;

/// <summary>A refusal with the reason a person can act on (shown on the page, sent as the 403's detail).</summary>
public sealed record AccessRefusal(string Reason);

/// <summary>
/// What the signed-in person may do with a project. App-wide admins (the password account, the
/// API token, <c>Admin:Logins</c>) may do everything; a GitHub user gets what their permission on
/// the project's repository allows (<see cref="RepositoryPermissions"/>); anyone else nothing.
/// </summary>
public sealed class ProjectAccess(
    IHttpContextAccessor http, RepositoryPermissions permissions, IProjectRepositories projects)
{
    private ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    public async Task<AccessLevel> LevelAsync(string repository, CancellationToken cancellationToken) =>
        User.IsAppAdmin() ? AccessLevel.Admin
        : User.GitHubUserId() is { } id ? await permissions.GetAsync(id, repository, cancellationToken)
        : AccessLevel.None;

    public async Task<AccessLevel> LevelAsync(int projectId, CancellationToken cancellationToken) =>
        User.IsAppAdmin() ? AccessLevel.Admin
        : await projects.RepositoryOfAsync(projectId, cancellationToken) is { } repository
            ? await LevelAsync(repository, cancellationToken)
        : AccessLevel.None;

    /// <summary>Null when the person may do <paramref name="needed"/> on the project, else why not.</summary>
    public async Task<AccessRefusal?> CheckAsync(
        int projectId, AccessLevel needed, string action, CancellationToken cancellationToken)
    {
        if (User.IsAppAdmin())
        {
            return null;
        }
        var repository = await projects.RepositoryOfAsync(projectId, cancellationToken) ?? $"project {projectId}";
        var level = await LevelAsync(repository, cancellationToken);
        return level >= needed ? null : new AccessRefusal(
            $"To {action} you need {needed.GitHubName()} access to {repository} on GitHub; "
            + $"{(User.GitHubUserLogin() is { } login ? login : "you")} "
            + $"{(level == AccessLevel.None ? "have no access" : $"have {level.GitHubName()} access")}.");
    }

    /// <summary>The projects the person may see; null means every project (an app-wide admin).</summary>
    public async Task<IReadOnlySet<int>?> VisibleProjectIdsAsync(CancellationToken cancellationToken)
    {
        if (User.IsAppAdmin())
        {
            return null;
        }
        var visible = new HashSet<int>();
        if (User.GitHubUserId() is not { } userId)
        {
            return visible;
        }
        foreach (var (id, repository) in await projects.AllAsync(cancellationToken))
        {
            if (await permissions.GetAsync(userId, repository, cancellationToken) >= AccessLevel.Read)
            {
                visible.Add(id);
            }
        }
        return visible;
    }
}
