using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PullRequestTitleTests
{
    [Fact]
    public async Task OpenPullRequest_ShowsItsTitle_OnTheProjectAndItsCard_AlsoAfterARunWhosePayloadCarriesNone()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge"); // stays open, waiting at the gate
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened", patch: p => p["pull_request"]!["title"] = "Add a search box");
        var first = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);

        // The next head's run comes from a payload without the title (as check-suite events are):
        // the PR keeps its last known one.
        harness.PullRequestState.HeadSha = "1111111111111111111111111111111111111111";
        await harness.DeliverAsync(app, "pull_request.synchronize", patch: p => p["pull_request"]!.AsObject().Remove("title"));
        await PipelineHarness.WaitForRunAsync(app, r => r.Id != first.Id && r.Status == RunStatus.Waiting);

        var project = (await app.CreateApiClient().GetFromJsonAsync<JsonArray>("/api/projects"))!.Single()!;
        var pr = project["openPullRequests"]!.AsArray().Single()!;
        Assert.Equal("Add a search box", pr["title"]!.GetValue<string>());
        var card = await (await app.CreateSignedInClientAsync()).GetStringAsync($"/Projects?handler=Card&id={project["id"]}");
        Assert.Contains("Add a search box", card, StringComparison.Ordinal);
    }
}
