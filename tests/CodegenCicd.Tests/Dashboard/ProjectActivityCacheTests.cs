using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Dashboard;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Dashboard;

/// <summary>
/// Lists of projects and single projects read their activity from a cache: whatever writes a run, a stage or an
/// agent run, the next list shows it, and the cache is used at all (a second read sends no query); only
/// <see cref="IProjectActivity.GetCurrentAsync"/> (what unpinning decides on) reads the database every time. The
/// cache's clock stands still (<see cref="ProjectCachesClockFactory"/>): nothing here passes because an entry
/// happened to expire.
/// </summary>
public sealed class ProjectActivityCacheTests(ProjectCachesClockFactory factory) : IClassFixture<ProjectCachesClockFactory>
{
    private static readonly (StageKind, StageStatus, StageConclusion?)[] Deploying =
        [(StageKind.Deploy, StageStatus.InProgress, null)];

    [Fact]
    public async Task ARunSavedThroughEfCore_ShowsInTheNextList()
    {
        var (first, second) = await TwoProjectsAsync("save");
        var runId = await ActivitySeed.AddRunAsync(factory, first, 1, RunStatus.Running, Deploying);
        Assert.Equal("in_progress", await LatestStatusAsync(first, "save"));

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == runId);
            run.Status = RunStatus.Succeeded;
            await db.SaveChangesAsync();
        }

        Assert.Equal("success", await LatestStatusAsync(first, "save"));
        Assert.Null(await LatestStatusAsync(second, "save"));
    }

    [Fact]
    public async Task AnExecuteUpdate_AndAWriteInsideATransaction_ShowInTheNextList()
    {
        var (first, _) = await TwoProjectsAsync("bulk");
        var runId = await ActivitySeed.AddRunAsync(factory, first, 1, RunStatus.Running, Deploying);
        Assert.Equal("in_progress", await LatestStatusAsync(first, "bulk"));

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<PipelineRun>().Where(r => r.Id == runId)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Failed));
        }
        Assert.Equal("failure", await LatestStatusAsync(first, "bulk"));

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Set<PipelineRun>().Where(r => r.Id == runId)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Cancelled));
            // Read in between, from another connection: it sees the old status and must not be kept.
            Assert.Equal("failure", await LatestStatusAsync(first, "bulk"));
            await transaction.CommitAsync();
        }
        Assert.Equal("cancelled", await LatestStatusAsync(first, "bulk"));
    }

    [Fact]
    public async Task AnAgentRunStarting_ShowsInTheNextList()
    {
        var (first, _) = await TwoProjectsAsync("agent");
        Assert.Null(await ActiveAgentAsync(first, "agent"));

        await ActivitySeed.AddAgentRunAsync(factory, first, AgentRunStatus.Implementing, "Add a search box");

        Assert.Equal("Add a search box", await ActiveAgentAsync(first, "agent"));
    }

    [Fact]
    public async Task ASecondList_AndASingleProject_AreServedFromTheCache_GetCurrentFromTheDatabase()
    {
        var (first, second) = await TwoProjectsAsync("served");
        var runId = await ActivitySeed.AddRunAsync(factory, first, 1, RunStatus.Running, Deploying);
        using var scope = factory.Services.CreateScope();
        var cache = scope.ServiceProvider.GetRequiredService<ProjectActivityCache>();
        var activity = scope.ServiceProvider.GetRequiredService<IProjectActivity>();
        Assert.IsType<CachedProjectActivity>(activity);
        var listed = await activity.GetAsync([first, second], CancellationToken.None);

        Assert.True(cache.TryGet(first, out var cached));
        Assert.Same(listed[first], cached);
        Assert.Equal("in_progress", cached!.LatestRun!.Status);
        Assert.True(cache.TryGet(second, out var none));
        Assert.Null(none);

        // The run finishes where this node does not see it: the cache keeps its answer, the database has moved on.
        await WritesAroundTheApp.SetRunStatusAsync(factory, runId, RunStatus.Succeeded);

        var single = await activity.GetAsync([first], CancellationToken.None);
        Assert.Same(cached, single[first]);
        Assert.True(cache.TryGet(first, out var stillCached));
        Assert.Same(cached, stillCached);
        Assert.Empty(await activity.GetAsync([second], CancellationToken.None));

        var current = await activity.GetCurrentAsync(first, CancellationToken.None);
        Assert.Equal("success", current.LatestRun!.Status);
        Assert.False(current.HasWorkInProgress);
        Assert.Same(ProjectActivity.None, await activity.GetCurrentAsync(second, CancellationToken.None));
        // Reading afresh does not touch what the cache holds.
        Assert.True(cache.TryGet(first, out var afterCurrent));
        Assert.Same(cached, afterCurrent);
    }

    [Fact]
    public void AReadThatOverlappedAWrite_IsNotKept_AndNothingOutlivesMaxAge()
    {
        var time = new ManualTime();
        var cache = new ProjectActivityCache(time, new LiveEvents(time));
        var activity = new Dictionary<int, ProjectActivity> { [1] = ProjectActivity.None };

        var before = cache.BeginRead();
        cache.Invalidate(); // a write committed while the read was under way
        cache.Store(before, [1], activity);
        Assert.False(cache.TryGet(1, out _));

        cache.Store(cache.BeginRead(), [1], activity);
        Assert.True(cache.TryGet(1, out _));
        time.Advance(ProjectActivityCache.MaxAge);
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public void AProjectEventFromAnotherNode_ClearsTheCache_AnAppWideOneDoesNot()
    {
        var time = new ManualTime();
        var live = new LiveEvents(time);
        var cache = new ProjectActivityCache(time, live);
        cache.Store(cache.BeginRead(), [7], new Dictionary<int, ProjectActivity>());

        live.Publish("delivery.updated", new { id = 1 });
        Assert.True(cache.TryGet(7, out _));

        live.Publish("run.updated", new { runId = 3, projectId = 7 }, LiveEventAudience.OfProject(7));
        Assert.False(cache.TryGet(7, out _));
    }

    [Theory]
    [InlineData("INSERT INTO \"PipelineRun\" (\"ProjectId\") VALUES (@p0) RETURNING \"Id\";", true)]
    [InlineData("UPDATE \"PipelineStage\" AS \"p\"\nSET \"Status\" = 'Completed'", true)]
    [InlineData("DELETE FROM \"AgentRunPullRequest\" AS a WHERE a.\"Id\" = 3", true)]
    [InlineData("update AgentRun set Status = 'Failed'", true)]
    [InlineData("SELECT \"p\".\"Id\" FROM \"PipelineRun\" AS \"p\"", false)]
    [InlineData("UPDATE \"WebhookDelivery\" SET \"Status\" = 'Processed'", false)]
    [InlineData("UPDATE \"PipelineRunArchive\" SET x = 1", false)]
    public void WritesToTheActivityTables_AreRecognised(string sql, bool expected) =>
        Assert.Equal(expected, ActivityWriteWatcher.IsActivityWrite(sql));

    private async Task<(int First, int Second)> TwoProjectsAsync(string name) =>
        (await ProjectSeed.AddAsync(factory, $"cache-{name}/a", pinned: true),
            await ProjectSeed.AddAsync(factory, $"cache-{name}/b", pinned: true));

    /// <summary>The project's latest run status in <c>GET /api/projects</c> (a list, so the cached path).</summary>
    private async Task<string?> LatestStatusAsync(int projectId, string name) =>
        (await ListedAsync(projectId, name))["latestRun"]?["status"]?.GetValue<string>();

    private async Task<string?> ActiveAgentAsync(int projectId, string name) =>
        (await ListedAsync(projectId, name))["activeAgentRun"]?["target"]?.GetValue<string>();

    private async Task<JsonNode> ListedAsync(int projectId, string name)
    {
        // The page holds this test's two projects: those after the name just before theirs.
        var list = await factory.CreateApiClient().GetFromJsonAsync<JsonArray>($"/api/projects?after=cache-{name}.&limit=2");
        Assert.Equal(2, list!.Count);
        return list.Single(p => p!["id"]!.GetValue<int>() == projectId)!;
    }
}
