using System.Text.Json.Nodes;
using CodegenCicd.Audit;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Pipelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

/// <summary>Installing the App on a repository that carries .github/codegen-cicd.yml is enough: its next PR runs with no admin action.</summary>
public sealed class AutoPinTests
{
    [Fact]
    public async Task InstalledOnARepositoryWithTheConfigFile_ItsNextPullRequestStartsAPipeline_OneWithoutTheFileStaysUnpinned()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        // The harness pins its repository; start instead from a repository the app has never heard of.
        await WithDbAsync(app, db => db.Set<Project>().Where(p => p.FullName == harness.Repository).ExecuteDeleteAsync());
        const string plain = "octo/no-config-file";

        await harness.DeliverEventAsync(app, "installation_repositories", new JsonObject
        {
            ["action"] = "added",
            ["installation"] = new JsonObject { ["id"] = PipelineHarness.InstallationId, ["account"] = new JsonObject { ["login"] = "octo", ["type"] = "User" } },
            ["repository_selection"] = "selected",
            ["repositories_added"] = new JsonArray(
                new JsonObject { ["id"] = 5551, ["full_name"] = harness.Repository, ["private"] = true },
                new JsonObject { ["id"] = 5552, ["full_name"] = plain, ["private"] = true }),
            ["repositories_removed"] = new JsonArray(),
        });
        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForRunAsync(app, r => r.PullRequest == harness.PullRequest);
        Assert.Equal(harness.PullRequestState.HeadSha, run.HeadSha);
        var pinned = await WithDbAsync(app, db => db.Set<Project>().AsNoTracking().OrderBy(p => p.FullName).Select(p => new { p.FullName, p.IsPinned }).ToListAsync());
        Assert.Equal([(plain, false), (harness.Repository, true)], pinned.Select(p => (p.FullName, p.IsPinned)));
        var audit = await WithDbAsync(app, db => db.Set<AuditEntry>().AsNoTracking().SingleAsync());
        Assert.Equal(("project.auto-pin", "codegencicd (auto-pin)", harness.Repository), (audit.Action, audit.Actor, audit.Target));
    }

    [Fact]
    public async Task AutoPinNone_LeavesANewRepositoryForSomeoneToPin()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Projects:AutoPin"] = "none";
        var app = await harness.StartAppAsync();
        await WithDbAsync(app, db => db.Set<Project>().Where(p => p.FullName == harness.Repository).ExecuteDeleteAsync());

        await harness.DeliverEventAsync(app, "installation_repositories", new JsonObject
        {
            ["action"] = "added",
            ["installation"] = new JsonObject { ["id"] = PipelineHarness.InstallationId, ["account"] = new JsonObject { ["login"] = "octo", ["type"] = "User" } },
            ["repositories_added"] = new JsonArray(new JsonObject { ["id"] = 5551, ["full_name"] = harness.Repository, ["private"] = true }),
            ["repositories_removed"] = new JsonArray(),
        });
        await harness.DeliverAsync(app, "pull_request.opened");

        Assert.False(await WithDbAsync(app, db => db.Set<Project>().AnyAsync(p => p.IsPinned)));
        Assert.Empty(await PipelineHarness.RunsAsync(app));
    }

    private static async Task<T> WithDbAsync<T>(Infrastructure.AppFactory app, Func<AppDbContext, Task<T>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }
}
