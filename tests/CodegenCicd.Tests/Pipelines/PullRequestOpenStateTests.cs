using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>A PR closed (or merged by hand) after its last run finished leaves the project's open pull requests.</summary>
public sealed class PullRequestOpenStateTests
{
    private const string Secret = "open-state-secret";

    private static readonly (StageKind, StageStatus, StageConclusion?)[] AllPassed =
    [
        (StageKind.Analysis, StageStatus.Completed, StageConclusion.Success),
        (StageKind.Deploy, StageStatus.Completed, StageConclusion.Success),
        (StageKind.WebEval, StageStatus.Completed, StageConclusion.Success),
        (StageKind.Merge, StageStatus.Completed, StageConclusion.Neutral),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClosedWebhookAfterTheLastRun_RemovesThePullRequestFromTheProject_AndKeepsTheRun(bool mergedByHand)
    {
        await using var app = NewApp();
        var repository = $"acme/closed-{Guid.NewGuid():N}"[..20];
        var id = await ProjectSeed.AddAsync(app, repository, pinned: true);
        var runId = await ActivitySeed.AddRunAsync(app, id, 9, RunStatus.Succeeded, AllPassed);
        await ActivitySeed.AddRunAsync(app, id, 10, RunStatus.Failed, AllPassed);
        Assert.Equal(new[] { 10, 9 }, await OpenPullRequestsAsync(app, id));

        await DeliverAsync(app, "pull_request.closed", repository, 9, merged: mergedByHand);

        Assert.Equal(new[] { 10 }, await OpenPullRequestsAsync(app, id));
        var run = await app.QueryAsync(db => db.Set<PipelineRun>().AsNoTracking().SingleAsync(r => r.Id == runId));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.NotNull(run.PullRequestClosedAt);
        var card = await (await app.CreateSignedInClientAsync()).GetStringAsync($"/Projects?handler=Card&id={id}");
        Assert.DoesNotContain($"/pull/9\"", card, StringComparison.Ordinal);
        Assert.Contains($"/pull/10\"", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReopenedWebhook_ListsThePullRequestAgain_EvenWhenItIsADraftThatStartsNoRun()
    {
        await using var app = NewApp();
        var repository = $"acme/reopen-{Guid.NewGuid():N}"[..20];
        var id = await ProjectSeed.AddAsync(app, repository, pinned: true);
        await ActivitySeed.AddRunAsync(app, id, 4, RunStatus.Succeeded, AllPassed);
        await DeliverAsync(app, "pull_request.closed", repository, 4, merged: false);
        Assert.Empty(await OpenPullRequestsAsync(app, id));

        await DeliverAsync(app, "pull_request.reopened", repository, 4, merged: false, draft: true);

        Assert.Equal(new[] { 4 }, await OpenPullRequestsAsync(app, id));
        Assert.Single(await app.QueryAsync(db => db.Set<PipelineRun>().Where(r => r.ProjectId == id).ToListAsync()));
    }

    private static GitHubAppFactory NewApp()
    {
        var app = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        app.Settings["GitHub:WebhookSecret"] = Secret;
        return app;
    }

    /// <summary>POSTs the fixture, rewritten for this repository and PR, signed like GitHub; waits until it is processed.</summary>
    private static async Task DeliverAsync(GitHubAppFactory app, string fixture, string repository, int number, bool merged, bool draft = false)
    {
        var payload = JsonNode.Parse(GitHubAppFactory.Fixture(fixture + ".json"))!.AsObject();
        payload["number"] = number;
        payload["repository"]!["full_name"] = repository;
        payload["repository"]!["name"] = repository.Split('/')[1];
        var pull = payload["pull_request"]!.AsObject();
        pull["number"] = number;
        pull["merged"] = merged;
        pull["draft"] = draft;
        var deliveryId = Guid.NewGuid().ToString();
        using var request = GitHubAppFactory.Delivery("pull_request", payload.ToJsonString(), Secret, deliveryId);

        var response = await app.CreateAnonymousClient().SendAsync(request);

        response.EnsureSuccessStatusCode();
        Assert.Equal(DeliveryStatus.Processed, (await app.WaitForOutcomeAsync(deliveryId)).Status);
    }

    private static async Task<int[]> OpenPullRequestsAsync(AppFactory app, int projectId)
    {
        var project = await app.CreateApiClient().GetFromJsonAsync<JsonObject>($"/api/projects/{projectId}");
        return [.. project!["openPullRequests"]!.AsArray().Select(pr => pr!["number"]!.GetValue<int>())];
    }
}
