using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Projects;

/// <summary>
/// The read side of projects for the other features (pipeline, Codegen, pages): they ask here
/// instead of querying the project table. Rows come back untracked.
/// </summary>
/// <param name="names">Which repositories have a pinned project (null: always ask the database).</param>
public sealed class ProjectLookup(AppDbContext db, PinnedProjectNames? names = null)
{
    private IQueryable<Project> Projects => db.Set<Project>().AsNoTracking();

    public Task<bool> ExistsAsync(int id, CancellationToken cancellationToken) =>
        Projects.AnyAsync(p => p.Id == id, cancellationToken);

    public Task<Project?> FindAsync(int id, CancellationToken cancellationToken) =>
        Projects.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <summary>A project that must exist (a run or agent run refers to it).</summary>
    public Task<Project> GetAsync(int id, CancellationToken cancellationToken) =>
        Projects.FirstAsync(p => p.Id == id, cancellationToken);

    /// <summary>
    /// The pinned, active project of a repository ("owner/name", any case), or null. Every pull-request delivery
    /// asks, most of them for a repository nobody pinned (an App installed on a whole organisation): which
    /// repositories have one comes from <see cref="PinnedProjectNames"/>, and only a pinned one is read.
    /// </summary>
    public async Task<Project?> FindPinnedAsync(string repository, CancellationToken cancellationToken) =>
        await PinnedIdAsync(repository, cancellationToken) is { } id
            ? await PinnedById.RunAsync(db, id, cancellationToken)
            : null;

    /// <summary>Whether a repository ("owner/name", any case) has a pinned, active project; usually a cache hit.</summary>
    public async Task<bool> IsPinnedAsync(string repository, CancellationToken cancellationToken) =>
        await PinnedIdAsync(repository, cancellationToken) is not null;

    private Task<int?> PinnedIdAsync(string repository, CancellationToken cancellationToken)
    {
        var name = repository.ToLowerInvariant();
        Task<int?> Read() => PinnedIdByName.RunAsync(db, name, cancellationToken);
        return names is null ? Read() : names.GetOrReadAsync(name, Read);
    }

    /// <summary>Compiled: every pull-request delivery asks this, and EF's per-call translation cache lookup
    /// was a third of the query's CPU in the webhook benchmark.</summary>
    private static readonly CompiledQuery<string, int?> PinnedIdByName = new((db, name, _) =>
        db.Set<Project>().Where(p => p.FullName.ToLower() == name && p.IsPinned && p.IsActive)
            .Select(p => (int?)p.Id).FirstOrDefault());

    private static readonly CompiledQuery<int, Project?> PinnedById = new((db, id, _) =>
        db.Set<Project>().AsNoTracking().FirstOrDefault(p => p.Id == id && p.IsPinned && p.IsActive));

    /// <summary>The project of a repository ("owner/name", any case) whatever its state, or null.</summary>
    public Task<Project?> FindByNameAsync(string repository, CancellationToken cancellationToken) =>
        Projects.FirstOrDefaultAsync(p => p.FullName.ToLower() == repository.ToLower(), cancellationToken);

    /// <summary>Repository names ("owner/name") by project id.</summary>
    public async Task<IReadOnlyDictionary<int, string>> NamesAsync(
        IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        return await Projects.Where(p => wanted.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.FullName, cancellationToken);
    }

    /// <summary>The projects of an installation of the GitHub App (all of them), by repository name.</summary>
    public async Task<IReadOnlyList<Project>> ListInstalledAsync(CancellationToken cancellationToken) =>
        await Projects.Where(p => p.InstallationId != null).OrderBy(p => p.FullName).ToListAsync(cancellationToken);

    /// <summary>Every project, by repository name.</summary>
    public async Task<IReadOnlyList<Project>> ListAllAsync(CancellationToken cancellationToken) =>
        await Projects.OrderBy(p => p.FullName).ToListAsync(cancellationToken);
}
