using System.Text.RegularExpressions;
using CodegenCicd.Data;
using CodegenCicd.Notifications;

namespace CodegenCicd.Projects;

/// <summary>
/// Pages of pinned projects as last read (<see cref="ProjectCatalog.ListPinnedAsync"/>: the dashboard and
/// <c>GET /api/projects</c> ask for the same ones again and again), until a project may have changed: every write
/// to the projects' table on this node (<see cref="ProjectWriteWatcher"/>) and every project event from another
/// node clears it (<see cref="GenerationCache{TKey, TValue}"/>).
/// </summary>
public sealed class PinnedProjectsCache : GenerationCache<PinnedProjectsCache.Key, IReadOnlyList<ProjectListItem>>
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    public PinnedProjectsCache(TimeProvider time, LiveEvents live)
        : base(time, MaxAge, capacity: 64)
    {
        live.OnProjectEvent(Invalidate);
    }

    /// <summary>What tells one page from another, with the projects the person may see.</summary>
    public sealed record Key(string? Repository, string? After, int Limit, string? Visible)
    {
        public static Key Of(ProjectPage page) => new(page.Repository, page.After, page.Limit, KeyOf(page.Visible));
    }
}

/// <summary>
/// Which repositories ("owner/name" in lower case) have a pinned, active project, and its id (null: none), as last
/// read; cleared as <see cref="PinnedProjectsCache"/> is.
/// </summary>
public sealed class PinnedProjectNames : GenerationCache<string, int?>
{
    public PinnedProjectNames(TimeProvider time, LiveEvents live)
        : base(time, PinnedProjectsCache.MaxAge, capacity: 10_000)
    {
        live.OnProjectEvent(Invalidate);
    }
}

/// <summary>
/// Clears <see cref="PinnedProjectsCache"/> and <see cref="PinnedProjectNames"/> after every committed write to the
/// projects' table.
/// </summary>
public sealed class ProjectWriteWatcher(PinnedProjectsCache pages, PinnedProjectNames names)
    : TableWriteWatcher(Writes, () =>
    {
        pages.Invalidate();
        names.Invalidate();
    })
{
    private static readonly Regex Writes = WritesTo([nameof(Project)]);
}
