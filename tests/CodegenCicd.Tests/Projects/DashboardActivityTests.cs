using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

/// <summary>The dashboard reads what the pipeline and Codegen recorded (no test doubles for the read side).</summary>
public sealed class DashboardActivityTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static readonly (StageKind, StageStatus, StageConclusion?)[] DeployRunning =
    [
        (StageKind.Analysis, StageStatus.Completed, StageConclusion.Success),
        (StageKind.Deploy, StageStatus.InProgress, null),
        (StageKind.WebEval, StageStatus.Pending, null),
        (StageKind.Merge, StageStatus.Pending, null),
    ];

    private static readonly (StageKind, StageStatus, StageConclusion?)[] AllPassed =
    [
        (StageKind.Analysis, StageStatus.Completed, StageConclusion.Success),
        (StageKind.Deploy, StageStatus.Completed, StageConclusion.Success),
        (StageKind.WebEval, StageStatus.Completed, StageConclusion.Success),
        (StageKind.Merge, StageStatus.Completed, StageConclusion.Success),
    ];

    [Fact]
    public async Task ProjectWithARunAndAnAgentAtWork_CardShowsRunStagesPreviewPullRequestAndAgent()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/dash-busy", pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, id, 12, RunStatus.Running, DeployRunning, previewPath: "/preview/acme/dash-busy/12/");
        var agentId = await ActivitySeed.AddAgentRunAsync(factory, id, AgentRunStatus.Implementing, "Add a search box",
            "https://github.com/acme/seeded/pull/12", "Search box on the home page");
        var client = await factory.CreateSignedInClientAsync();

        var html = await client.GetStringAsync($"/Projects?handler=Card&id={id}");

        Assert.Contains($"<a href=\"/Runs/{runId}\">Run #{runId}</a> on PR #12", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge success\" title=\"analysis: success\">analysis</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge in_progress\" title=\"deploy: in_progress\">deploy</span>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/preview/acme/dash-busy/12/\"", html, StringComparison.Ordinal);
        Assert.Contains("#12</a> Search box on the home page <span class=\"badge in_progress\">", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/Agents/Run/{agentId}\">Add a search box</a>", html, StringComparison.Ordinal);
        Assert.Contains("agent Implementing", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardLinks_LeadToPagesThatExist()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/dash-links", pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, id, 3, RunStatus.Running, DeployRunning);
        var agentId = await ActivitySeed.AddAgentRunAsync(factory, id, AgentRunStatus.Planning, "Plan a change");
        var client = await factory.CreateSignedInClientAsync();

        foreach (var path in new[] { $"/Runs/{runId}", $"/Runs?project={id}", $"/Agents/Run/{agentId}", $"/Agents/Project/{id}", $"/Projects/Settings/{id}" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
        Assert.Contains($"href=\"/Runs/{runId}\"", await client.GetStringAsync($"/Runs?project={id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MergedAndClosedPullRequests_AreNotListedAsOpen_AndTheLatestRunWins()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/dash-prs", pinned: true);
        await ActivitySeed.AddRunAsync(factory, id, 1, RunStatus.Succeeded, AllPassed, mergedSha: "feedface");
        await ActivitySeed.AddRunAsync(factory, id, 2, RunStatus.Cancelled, DeployRunning, statusReason: PipelineActivityQueries.ClosedReason,
            pullRequestClosedAt: DateTimeOffset.UtcNow);
        await ActivitySeed.AddRunAsync(factory, id, 3, RunStatus.Failed, AllPassed);
        var latest = await ActivitySeed.AddRunAsync(factory, id, 3, RunStatus.Waiting, AllPassed);
        using var scope = factory.Services.CreateScope();
        var activity = scope.ServiceProvider.GetRequiredService<IProjectActivity>();

        var result = (await activity.GetAsync([id], CancellationToken.None))[id];

        Assert.Equal(latest, result.LatestRun!.RunId);
        Assert.Equal("waiting", result.LatestRun.Status);
        Assert.True(result.LatestRun.IsActive);
        var open = Assert.Single(result.OpenPullRequests);
        Assert.Equal((3, "waiting"), (open.Number, open.Status));
        Assert.Null(result.ActiveAgentRun);
    }

    [Fact]
    public async Task ManyProjects_AreAnsweredInOneBatch_EachWithItsOwnActivity()
    {
        var ids = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            var id = await ProjectSeed.AddAsync(factory, $"acme/dash-many-{i}", pinned: true);
            ids.Add(id);
            if (i % 3 == 0)
            {
                await ActivitySeed.AddRunAsync(factory, id, 100 + i, RunStatus.Failed, AllPassed);
            }
            if (i % 5 == 0)
            {
                await ActivitySeed.AddAgentRunAsync(factory, id, AgentRunStatus.AwaitingConfirmation, $"target {i}");
            }
        }
        using var scope = factory.Services.CreateScope();
        var activity = scope.ServiceProvider.GetRequiredService<IProjectActivity>();

        var result = await activity.GetAsync(ids, CancellationToken.None);

        for (var i = 0; i < ids.Count; i++)
        {
            var found = result.GetValueOrDefault(ids[i]);
            Assert.Equal(i % 3 == 0 ? 100 + i : null, found?.LatestRun?.PullRequest);
            Assert.Equal(i % 5 == 0 ? $"target {i}" : null, found?.ActiveAgentRun?.Target);
        }
    }

    [Fact]
    public async Task Unpin_WhileAPipelineRunIsActive_IsRefused_AndAllowedOnceItEnded()
    {
        var busy = await ProjectSeed.AddAsync(factory, "acme/dash-unpin-busy", pinned: true);
        var done = await ProjectSeed.AddAsync(factory, "acme/dash-unpin-done", pinned: true);
        await ActivitySeed.AddRunAsync(factory, busy, 7, RunStatus.Running, DeployRunning);
        await ActivitySeed.AddRunAsync(factory, done, 7, RunStatus.Succeeded, AllPassed, mergedSha: "abc");
        var client = factory.CreateApiClient();

        var refused = await client.DeleteAsync($"/api/projects/{busy}");
        var allowed = await client.DeleteAsync($"/api/projects/{done}");
        var project = await client.GetFromJsonAsync<JsonObject>($"/api/projects/{busy}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("in_progress", project!["latestRun"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.True((await ProjectSeed.LoadAsync(factory, busy)).IsPinned);
        Assert.False((await ProjectSeed.LoadAsync(factory, done)).IsPinned);
    }

    [Fact]
    public async Task Unpin_WhileAnAgentAwaitsConfirmation_IsRefusedOnTheDashboard()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/dash-unpin-agent", pinned: true);
        await ActivitySeed.AddAgentRunAsync(factory, id, AgentRunStatus.AwaitingConfirmation, "Rename the header");
        var client = await factory.CreateSignedInClientAsync();

        var response = await Forms.PostAsync(client, $"/Projects?handler=Remove&id={id}", []);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.True((await ProjectSeed.LoadAsync(factory, id)).IsPinned);
    }
}
