using CodegenCicd.Codegen.Runs;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

/// <summary>Pipeline and agent rows as those features write them, for the dashboard's read side.</summary>
public static class ActivitySeed
{
    public static async Task<long> AddRunAsync<T>(
        WebApplicationFactory<T> factory, int projectId, int pullRequest, RunStatus status,
        (StageKind Kind, StageStatus Status, StageConclusion? Conclusion)[] stages,
        string? previewPath = null, string? mergedSha = null, string? statusReason = null, DateTimeOffset? pullRequestClosedAt = null)
        where T : class
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var sha = Guid.NewGuid().ToString("N");
        var run = new PipelineRun
        {
            ProjectId = projectId,
            Repository = "acme/seeded",
            PullRequest = pullRequest,
            HeadSha = sha,
            PullRequestUrl = $"https://github.com/acme/seeded/pull/{pullRequest}",
            CloneUrl = "file:///nowhere",
            Trigger = "pull_request.opened",
            ActiveKey = status.IsFinal() ? null : PipelineRun.ActiveKeyFor(projectId, pullRequest, sha),
            Status = status,
            StatusReason = statusReason,
            PreviewPath = previewPath,
            MergedSha = mergedSha,
            PullRequestClosedAt = pullRequestClosedAt,
            CreatedAt = DateTimeOffset.UtcNow,
            StartedAt = DateTimeOffset.UtcNow,
            Stages = [.. stages.Select(s => new PipelineStage { Kind = s.Kind, Status = s.Status, Conclusion = s.Conclusion })],
        };
        db.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    public static async Task<int> AddAgentRunAsync<T>(WebApplicationFactory<T> factory, int projectId, AgentRunStatus status, string target, string? pullRequestUrl = null, string? pullRequestTitle = null)
        where T : class
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        var run = new AgentRun { ProjectId = projectId, Target = target, Status = status, CreatedAt = now, UpdatedAt = now, StatusChangedAt = now };
        if (pullRequestUrl is not null)
        {
            run.PullRequests.Add(new AgentRunPullRequest { Url = pullRequestUrl, Title = pullRequestTitle, LinkedAt = now });
        }
        db.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }
}
