using CodegenCicd.Accounts;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Projects;

/// <summary>
/// Which repository a project is, for features that decide by repository (access, audit) without reading the table.
/// </summary>
public sealed class ProjectDirectory(AppDbContext db) : IProjectRepositories
{
    public Task<string?> RepositoryOfAsync(int projectId, CancellationToken cancellationToken) =>
        db.Set<Project>().AsNoTracking().Where(p => p.Id == projectId).Select(p => p.FullName)
            .FirstOrDefaultAsync(cancellationToken);

    public async Task<int?> IdOfAsync(string repository, CancellationToken cancellationToken)
    {
        var name = repository.ToLowerInvariant();
        return await db.Set<Project>().AsNoTracking().Where(p => p.FullName.ToLower() == name)
            .Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every project (pinned or not, history included), id to repository.</summary>
    public async Task<IReadOnlyDictionary<int, string>> AllAsync(CancellationToken cancellationToken) =>
        await db.Set<Project>().AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.FullName, cancellationToken);

    /// <summary>Of these GitHub repository ids, the ones some project (pinned or not) already has.</summary>
    public async Task<IReadOnlySet<long>> KnownRepositoryIdsAsync(
        IReadOnlyCollection<long> repositoryIds, CancellationToken cancellationToken) =>
        (await db.Set<Project>().AsNoTracking().Where(p => repositoryIds.Contains(p.GitHubRepositoryId))
            .Select(p => p.GitHubRepositoryId).ToListAsync(cancellationToken)).ToHashSet();
}
