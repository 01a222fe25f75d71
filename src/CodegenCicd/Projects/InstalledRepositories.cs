using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Projects;

/// <summary>A repository an installation of the GitHub App can reach, as GitHub lists it.</summary>
public sealed record InstalledRepository(long Id, string FullName, bool IsPrivate, string? DefaultBranch);

/// <summary>
/// Keeps the projects in step with the repositories GitHub says the App is installed on. Projects are
/// matched by GitHub's repository id (stable across renames), then by name; they are never deleted,
/// only deactivated, so their settings, secrets and history survive an uninstall and reinstall.
/// </summary>
public sealed class InstalledRepositories(AppDbContext db, TimeProvider time)
{
    /// <summary>Creates or reactivates the repositories' projects under this installation.</summary>
    public async Task AddAsync(
        long installationId,
        bool installationActive,
        IEnumerable<InstalledRepository> repositories,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var repository in repositories)
        {
            var project = await db.Set<Project>()
                    .FirstOrDefaultAsync(p => p.GitHubRepositoryId == repository.Id, cancellationToken)
                ?? await db.Set<Project>()
                    .FirstOrDefaultAsync(p => p.FullName == repository.FullName, cancellationToken);
            if (project is null)
            {
                project = new Project { FullName = repository.FullName, CreatedAt = now };
                db.Add(project);
            }
            project.GitHubRepositoryId = repository.Id;
            project.FullName = repository.FullName;
            project.IsPrivate = repository.IsPrivate;
            project.DefaultBranch = repository.DefaultBranch ?? project.DefaultBranch;
            project.InstallationId = installationId;
            project.IsActive = installationActive;
            project.UpdatedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Deactivates the projects of these repositories (removed from the installation).</summary>
    public Task RemoveAsync(
        long installationId, IReadOnlyCollection<long> repositoryIds, CancellationToken cancellationToken) =>
        db.Set<Project>().Where(p => p.InstallationId == installationId && repositoryIds.Contains(p.GitHubRepositoryId))
            .ExecuteUpdateAsync(
                s => s.SetProperty(p => p.IsActive, false).SetProperty(p => p.UpdatedAt, time.GetUtcNow()),
                cancellationToken);

    /// <summary>Deactivates the installation's projects whose repository is not among the listed ones.</summary>
    public Task KeepOnlyAsync(
        long installationId, IReadOnlyCollection<long> listedIds, CancellationToken cancellationToken) =>
        db.Set<Project>().Where(p => p.InstallationId == installationId && !listedIds.Contains(p.GitHubRepositoryId))
            .ExecuteUpdateAsync(
                s => s.SetProperty(p => p.IsActive, false).SetProperty(p => p.UpdatedAt, time.GetUtcNow()),
                cancellationToken);

    /// <summary>Activates or deactivates every project of the installation (suspended, deleted, unsuspended).</summary>
    public Task SetActiveAsync(long installationId, bool active, CancellationToken cancellationToken) =>
        db.Set<Project>().Where(p => p.InstallationId == installationId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(p => p.IsActive, active).SetProperty(p => p.UpdatedAt, time.GetUtcNow()),
                cancellationToken);
}
