using CodegenCicd.Data;
using CodegenCicd.GitHub.Api;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Installations;

/// <summary>
/// Keeps installations in step with GitHub, and tells Projects which repositories (the projects)
/// each installation reaches (<see cref="InstalledRepositories"/> keeps those rows).
/// </summary>
public sealed class InstallationStore(AppDbContext db, InstalledRepositories projects, TimeProvider time)
{
    /// <summary>Every installation, current ones first, untracked.</summary>
    public Task<List<Installation>> ListAsync(CancellationToken cancellationToken) =>
        db.Set<Installation>().AsNoTracking()
            .OrderBy(i => i.IsDeleted).ThenBy(i => i.AccountLogin)
            .ToListAsync(cancellationToken);

    public Task<Installation?> FindAsync(long installationId, CancellationToken cancellationToken) =>
        db.Set<Installation>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == installationId, cancellationToken);

    public async Task UpsertAsync(GitHubInstallation installation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = await db.Set<Installation>().FindAsync([installation.Id], cancellationToken);
        if (row is null)
        {
            row = new Installation { Id = installation.Id, AccountLogin = "", CreatedAt = now };
            db.Add(row);
        }
        row.AccountLogin = installation.Account?.Login ?? row.AccountLogin;
        row.AccountType = installation.Account?.Type ?? row.AccountType;
        row.RepositorySelection = installation.RepositorySelection ?? row.RepositorySelection;
        row.HtmlUrl = installation.HtmlUrl ?? row.HtmlUrl;
        row.IsSuspended = installation.SuspendedAt is not null;
        row.IsDeleted = false;
        row.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Entry(row).State == EntityState.Added)
        {
            db.Entry(row).State = EntityState.Detached;
            if (!await db.Set<Installation>().AnyAsync(i => i.Id == installation.Id, cancellationToken))
            {
                throw;
            }
            // Another node inserted this installation first: apply ours as an update.
            await UpsertAsync(installation, cancellationToken);
            return;
        }
        if (!row.IsActive)
        {
            // Reactivation is per repository (AddRepositoriesAsync): a removed repository stays inactive.
            await SetProjectsActiveAsync(installation.Id, false, cancellationToken);
        }
    }

    public async Task SetSuspendedAsync(long installationId, bool suspended, CancellationToken cancellationToken)
    {
        await db.Set<Installation>().Where(i => i.Id == installationId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.IsSuspended, suspended)
                .SetProperty(i => i.UpdatedAt, time.GetUtcNow()), cancellationToken);
        await SetProjectsActiveAsync(installationId, !suspended, cancellationToken);
    }

    public async Task MarkDeletedAsync(long installationId, CancellationToken cancellationToken)
    {
        await db.Set<Installation>().Where(i => i.Id == installationId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.IsDeleted, true)
                .SetProperty(i => i.UpdatedAt, time.GetUtcNow()), cancellationToken);
        await SetProjectsActiveAsync(installationId, false, cancellationToken);
    }

    /// <summary>Creates or reactivates the repositories' projects under this installation.</summary>
    public async Task AddRepositoriesAsync(
        long installationId, IEnumerable<GitHubRepository> repositories, CancellationToken cancellationToken)
    {
        var active = await IsInstallationActiveAsync(installationId, cancellationToken);
        await projects.AddAsync(installationId, active, repositories.Select(ToInstalled), cancellationToken);
    }

    public Task RemoveRepositoriesAsync(
        long installationId, IEnumerable<long> repositoryIds, CancellationToken cancellationToken) =>
        projects.RemoveAsync(installationId, [.. repositoryIds], cancellationToken);

    /// <summary>
    /// After a full listing: the listed repositories are the installation's, every other one was removed.
    /// </summary>
    public async Task ReplaceRepositoriesAsync(
        long installationId, IReadOnlyCollection<GitHubRepository> repositories, CancellationToken cancellationToken)
    {
        await AddRepositoriesAsync(installationId, repositories, cancellationToken);
        await projects.KeepOnlyAsync(installationId, [.. repositories.Select(r => r.Id)], cancellationToken);
    }

    /// <summary>Installations GitHub no longer lists were uninstalled while we were not listening.</summary>
    public async Task MarkMissingDeletedAsync(IReadOnlyCollection<long> listedIds, CancellationToken cancellationToken)
    {
        var missing = await db.Set<Installation>().Where(i => !i.IsDeleted && !listedIds.Contains(i.Id))
            .Select(i => i.Id).ToListAsync(cancellationToken);
        foreach (var id in missing)
        {
            await MarkDeletedAsync(id, cancellationToken);
        }
    }

    private async Task<bool> IsInstallationActiveAsync(long installationId, CancellationToken cancellationToken) =>
        await db.Set<Installation>().FindAsync([installationId], cancellationToken) is not { IsActive: false };

    private Task SetProjectsActiveAsync(long installationId, bool active, CancellationToken cancellationToken) =>
        projects.SetActiveAsync(installationId, active, cancellationToken);

    private static InstalledRepository ToInstalled(GitHubRepository repository) =>
        new(repository.Id, repository.FullName, repository.Private, repository.DefaultBranch);
}
