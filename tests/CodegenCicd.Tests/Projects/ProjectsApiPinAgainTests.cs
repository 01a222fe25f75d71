using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

/// <summary>Pinning answers with the project as <c>GET /api/projects/{id}</c> shows it, runs included.</summary>
public sealed class ProjectsApiPinAgainTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static readonly (StageKind, StageStatus, StageConclusion?)[] DeployRunning =
    [
        (StageKind.Analysis, StageStatus.Completed, StageConclusion.Success),
        (StageKind.Deploy, StageStatus.InProgress, null),
    ];

    [Fact]
    public async Task PinAnAlreadyPinnedProject_Returns200WithItsLatestRunAndOpenPullRequests()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/pin-again", pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, id, 7, RunStatus.Running, DeployRunning);
        var client = factory.CreateApiClient();

        var response = await client.PostAsJsonAsync("/api/projects", new { repository = "acme/pin-again" });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var shown = await client.GetFromJsonAsync<JsonObject>($"/api/projects/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(runId, body!["latestRun"]!["runId"]!.GetValue<long>());
        Assert.Equal(7, Assert.Single(body["openPullRequests"]!.AsArray())!["number"]!.GetValue<int>());
        Assert.Equal(shown!.ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public async Task PinAgainAfterRemoving_Returns201WithTheKeptHistory()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/pin-returning");
        var runId = await ActivitySeed.AddRunAsync(factory, id, 3, RunStatus.Succeeded,
            [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success)], pullRequestClosedAt: DateTimeOffset.UtcNow);

        var response = await factory.CreateApiClient().PostAsJsonAsync("/api/projects", new { repository = "acme/pin-returning" });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(runId, body!["latestRun"]!["runId"]!.GetValue<long>());
    }
}
