using System.Net.Http.Json;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Dashboard;

public sealed class StatusApiTests
{
    [Fact]
    public async Task Status_CountsUnfinishedPipelineRuns_NotFinishedOnes()
    {
        using var factory = new AppFactory();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var project = new Project { FullName = "octo/status", IsPinned = true };
            db.Add(project);
            await db.SaveChangesAsync();
            db.AddRange(Run(project.Id, 1, RunStatus.Running), Run(project.Id, 2, RunStatus.Waiting), Run(project.Id, 3, RunStatus.Succeeded));
            await db.SaveChangesAsync();
        }

        var status = await factory.CreateApiClient().GetFromJsonAsync<StatusDto>("/api/status");

        Assert.Equal(new ActiveRunsDto(Pipelines: 2, Agents: 0), status!.ActiveRuns);
    }

    private static PipelineRun Run(int projectId, int pullRequest, RunStatus status) => new()
    {
        ProjectId = projectId,
        Repository = "octo/status",
        PullRequest = pullRequest,
        HeadSha = new string((char)('a' + pullRequest), 40),
        HeadBranch = "feature",
        BaseBranch = "main",
        CloneUrl = "file:///nowhere",
        Trigger = "pull_request.opened",
        Status = status,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private sealed record StatusDto(ActiveRunsDto ActiveRuns);

    private sealed record ActiveRunsDto(int Pipelines, int Agents);
}
