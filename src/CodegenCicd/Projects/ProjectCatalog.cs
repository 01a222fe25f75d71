using CodegenCicd.Data;
using CodegenCicd.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Projects;

/// <summary>A pinned project as lists show it.</summary>
public sealed record ProjectListItem(
    int Id, string Repository, string DefaultBranch, bool IsActive, bool IsPrivate, DateTimeOffset UpdatedAt);

/// <summary>
/// Which pinned projects a list shows: by name (any casing), after a name (the previous page's last), those the
/// person may see (null: all), at most <see cref="Limit"/>.
/// </summary>
public sealed record ProjectPage(
    string? Repository = null, string? After = null, IReadOnlySet<int>? Visible = null,
    int Limit = ProjectPage.DefaultLimit)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 500;
}

/// <summary>
/// The pinned project, and whether this call pinned it (false: it was pinned already, nothing changed).
/// </summary>
public sealed record PinResult(Project Project, bool NewlyPinned);

public enum UnpinOutcome
{
    Unpinned,
    NotFound,
    WorkInProgress,
}

/// <summary>
/// Pins and unpins projects and saves their settings; publishes <c>project.updated</c> for the live pages.
/// </summary>
public sealed class ProjectCatalog(
    AppDbContext db, IProjectActivity activity, PinnedProjectsCache pinned, LiveEvents live, TimeProvider time)
{
    /// <summary>
    /// A page of pinned projects by name: those after <see cref="ProjectPage.After"/> that the person may see.
    /// </summary>
    public Task<IReadOnlyList<ProjectListItem>> ListPinnedAsync(ProjectPage page, CancellationToken cancellationToken) =>
        pinned.GetOrReadAsync(PinnedProjectsCache.Key.Of(page), () => ReadPinnedAsync(page, cancellationToken));

    private async Task<IReadOnlyList<ProjectListItem>> ReadPinnedAsync(
        ProjectPage page, CancellationToken cancellationToken)
    {
        var query = db.Set<Project>().AsNoTracking().Where(p => p.IsPinned);
        if (!string.IsNullOrWhiteSpace(page.Repository))
        {
            // GitHub treats owner/name case-insensitively; lower() is the same on SQLite and PostgreSQL
            // for ASCII names.
            var name = page.Repository.Trim().ToLowerInvariant();
            query = query.Where(p => p.FullName.ToLower() == name);
        }
        if (page.After is { } after)
        {
            query = query.Where(p => string.Compare(p.FullName, after) > 0);
        }
        if (page.Visible is { } visible)
        {
            var ids = visible.ToArray();
            query = query.Where(p => ids.Contains(p.Id));
        }
        return await query.OrderBy(p => p.FullName).Take(page.Limit)
            .Select(p => new ProjectListItem(p.Id, p.FullName, p.DefaultBranch, p.IsActive, p.IsPrivate, p.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Repositories the App reaches that are not pinned yet: what "Add a project" offers.</summary>
    public async Task<IReadOnlyList<string>> ListPinnableAsync(CancellationToken cancellationToken) =>
        await db.Set<Project>().AsNoTracking().Where(p => p.IsActive && !p.IsPinned)
            .OrderBy(p => p.FullName).Select(p => p.FullName).ToListAsync(cancellationToken);

    public async Task<Project?> FindPinnedAsync(int id, CancellationToken cancellationToken) =>
        await db.Set<Project>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.IsPinned, cancellationToken);

    /// <summary>
    /// Pins an active repository, named in any casing (it keeps GitHub's); null when the App cannot reach it.
    /// </summary>
    public async Task<PinResult?> PinAsync(string repository, CancellationToken cancellationToken)
    {
        var name = repository.Trim().ToLowerInvariant();
        var project = await db.Set<Project>()
            .FirstOrDefaultAsync(p => p.FullName.ToLower() == name && p.IsActive, cancellationToken);
        if (project is null)
        {
            return null;
        }
        if (project.IsPinned)
        {
            return new(project, NewlyPinned: false);
        }
        project.IsPinned = true;
        project.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        live.Publish("project.updated", new { projectId = project.Id, pinned = true },
            LiveEventAudience.OfProject(project.Id));
        return new(project, NewlyPinned: true);
    }

    /// <summary>
    /// Unpins (history stays). Refused while a run or agent is still working, so nothing is cut off half-way.
    /// </summary>
    public async Task<UnpinOutcome> UnpinAsync(int id, CancellationToken cancellationToken)
    {
        var project = await db.Set<Project>().FirstOrDefaultAsync(p => p.Id == id && p.IsPinned, cancellationToken);
        if (project is null)
        {
            return UnpinOutcome.NotFound;
        }
        if ((await activity.GetCurrentAsync(id, cancellationToken)).HasWorkInProgress)
        {
            return UnpinOutcome.WorkInProgress;
        }
        project.IsPinned = false;
        project.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        live.Publish("project.updated", new { projectId = id, pinned = false }, LiveEventAudience.OfProject(id));
        return UnpinOutcome.Unpinned;
    }

    /// <summary>Saves settings and default branch together; the caller validated them first.</summary>
    public async Task<bool> SaveSettingsAsync(
        int id, string defaultBranch, ProjectSettings settings, CancellationToken cancellationToken)
    {
        var project = await db.Set<Project>().FirstOrDefaultAsync(p => p.Id == id && p.IsPinned, cancellationToken);
        if (project is null)
        {
            return false;
        }
        project.DefaultBranch = defaultBranch.Trim();
        project.Settings = settings;
        project.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        live.Publish("project.updated", new { projectId = id }, LiveEventAudience.OfProject(id));
        return true;
    }
}
