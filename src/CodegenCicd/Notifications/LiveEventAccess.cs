using System.Security.Claims;
using CodegenCicd.Accounts;

namespace CodegenCicd.Notifications;

/// <summary>
/// Which events one open stream may carry: every event for an app-wide admin; for a person signed in
/// with GitHub, the events of projects (and repositories) they may read, by the same repository
/// permission as the pages; nothing app-wide. A stream stays open for hours, so each project's answer
/// is kept for as long as a permission is cached (<see cref="RepositoryPermissions.CacheFor"/>), and
/// a removed permission stops the events within that window.
/// </summary>
internal sealed class LiveEventAccess(HttpContext context, TimeProvider time)
{
    // GitHub being away is not a revoked permission, but asking again for every event would not help it either.
    private static readonly TimeSpan RetryUnanswered = TimeSpan.FromSeconds(30);

    private readonly Dictionary<(int?, string?), (bool Visible, DateTimeOffset Until)> decided = [];

    private ClaimsPrincipal User => context.User;

    public async ValueTask<bool> MayReceiveAsync(LiveEvent item, CancellationToken cancellationToken)
    {
        if (User.IsAppAdmin())
        {
            return true;
        }
        var audience = item.Audience;
        if (audience.IsAppWide || User.GitHubUserId() is null)
        {
            return false;
        }
        var key = (audience.ProjectId, audience.Repository?.ToLowerInvariant());
        var now = time.GetUtcNow();
        if (decided.TryGetValue(key, out var known) && known.Until > now)
        {
            return known.Visible;
        }
        var (visible, until) = await DecideAsync(audience, now, cancellationToken);
        decided[key] = (visible, until);
        return visible;
    }

    private async Task<(bool Visible, DateTimeOffset Until)> DecideAsync(
        LiveEventAudience audience, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Asked for only when a GitHub user's stream meets a project's event: an admin's stream never needs it.
        var access = context.RequestServices.GetRequiredService<ProjectAccess>();
        try
        {
            var level = audience.ProjectId is { } projectId
                ? await access.LevelAsync(projectId, cancellationToken)
                : await access.LevelAsync(audience.Repository!, cancellationToken);
            return (level >= AccessLevel.Read, now + RepositoryPermissions.CacheFor);
        }
        catch (HttpRequestException)
        {
            // Withheld while GitHub cannot say; the page reloads what it missed when it reconnects or navigates.
            return (false, now + RetryUnanswered);
        }
    }
}
