using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>What the pipeline leaves behind for a PR whose preview was deployed: a project and a run of its head.</summary>
internal static class PreviewRuns
{
    public static readonly DeployConfig StartOnly = new() { Start = "npm start", TimeoutSeconds = 60 };

    public static string UniqueRepository() => $"owner/wake-{Guid.NewGuid():N}"[..24];

    public static SandboxSource Source(GitFixture repo, string repository, int pr, string? headSha = null) =>
        new(0, repository, pr, headSha ?? repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>());

    /// <summary>A project and a run of (PR, head) with a deploy configuration, as the pipeline records them; returns the run.</summary>
    public static async Task<PipelineRun> SeedAsync(IServiceProvider services, GitFixture repo, string repository, int pr, string headSha,
        DateTimeOffset? closedAt = null, string? mergedSha = null, DeployConfig? deploy = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = db.Set<Project>().FirstOrDefault(p => p.FullName == repository);
        if (project is null)
        {
            project = new Project { FullName = repository, GitHubRepositoryId = Random.Shared.NextInt64(1, long.MaxValue), IsPinned = true, CreatedAt = DateTimeOffset.UtcNow };
            db.Add(project);
            await db.SaveChangesAsync();
        }
        var run = new PipelineRun
        {
            ProjectId = project.Id,
            Repository = repository,
            PullRequest = pr,
            HeadSha = headSha,
            CloneUrl = repo.CloneUrl.ToString(),
            Trigger = "test",
            Status = RunStatus.Succeeded,
            ConfigJson = StageContextFactory.WriteConfig(new PipelineConfig { Deploy = deploy ?? StartOnly }),
            PreviewPath = $"/preview/{repository}/{pr}/",
            PullRequestClosedAt = closedAt,
            MergedSha = mergedSha,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(run);
        await db.SaveChangesAsync();
        return run;
    }
}
