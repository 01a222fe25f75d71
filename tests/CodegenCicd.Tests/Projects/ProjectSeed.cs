using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

/// <summary>Creates Project rows the way the installation sync does (active, not pinned unless asked).</summary>
public static class ProjectSeed
{
    private static long nextRepositoryId = 1000;

    public static async Task<int> AddAsync<T>(WebApplicationFactory<T> factory, string fullName, bool pinned = false, bool active = true)
        where T : class
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = new Project
        {
            FullName = fullName,
            GitHubRepositoryId = Interlocked.Increment(ref nextRepositoryId),
            InstallationId = 42,
            IsActive = active,
            IsPinned = pinned,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    public static async Task<Project> LoadAsync<T>(WebApplicationFactory<T> factory, int id)
        where T : class
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Project>().FindAsync(id)
            ?? throw new InvalidOperationException($"No project {id}");
    }
}

/// <summary>Stands in for the pipeline's read model: one project with a run still going.</summary>
public sealed class BusyProjectActivity(int busyProjectId) : IProjectActivity
{
    public Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        var run = new RunSummary(77, 5, "abcdef1234567", "in_progress", DateTimeOffset.UtcNow,
            [new StageBadge("analysis", "success"), new StageBadge("deploy", "in_progress")], "/preview/acme/busy/5/", IsActive: true);
        IReadOnlyDictionary<int, ProjectActivity> result = projectIds.Where(id => id == busyProjectId)
            .ToDictionary(id => id, _ => new ProjectActivity(run, [new PullRequestSummary(5, "Add login", "in_progress")], null));
        return Task.FromResult(result);
    }
}
