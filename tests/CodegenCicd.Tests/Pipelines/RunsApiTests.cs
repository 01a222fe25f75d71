using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Tests.Pipelines;

public sealed class RunsApiTests
{
    [Fact]
    public async Task Runs_AreListedWithTheirStages_AndFilteredByStatusAndPullRequest()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var api = app.CreateApiClient();

        var all = await api.GetFromJsonAsync<JsonElement>("/api/runs");
        var listed = Assert.Single(all.EnumerateArray());
        Assert.Equal(run.Id, listed.GetProperty("id").GetInt64());
        Assert.Equal(["analysis", "deploy", "web-eval", "merge"], listed.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal($"https://ci.example.test/Runs/{run.Id}", listed.GetProperty("detailsUrl").GetString());
        Assert.Empty((await api.GetFromJsonAsync<JsonElement>("/api/runs?status=failed")).EnumerateArray());
        Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/runs?status=succeeded&pr=7")).EnumerateArray());
        Assert.Single((await api.GetFromJsonAsync<JsonElement>($"/api/projects/{run.ProjectId}/runs")).EnumerateArray());

        var one = await api.GetFromJsonAsync<JsonElement>($"/api/runs/{run.Id}");
        Assert.Equal("Succeeded", one.GetProperty("status").GetString());
        Assert.Equal(run.MergedSha, one.GetProperty("mergedSha").GetString());
    }

    [Fact]
    public async Task UnknownStatusFilter_IsAProblemNamingTheField()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();

        var response = await app.CreateApiClient().GetAsync("/api/runs?status=green");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Unknown status 'green'", problem.GetProperty("errors").GetProperty("status")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelThroughTheApi_EndsTheChecksCancelled_AndRerunValidatesAgain()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var hold = new TaskCompletionSource();
        harness.Deployments.OnDeploy = async (source, config, ct) =>
        {
            await hold.Task.WaitAsync(ct);
            return FakeDeployments.Healthy(source, config);
        };
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var api = app.CreateApiClient();
        var run = Assert.Single(await PipelineHarness.RunsAsync(app));

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/runs/{run.Id}/cancel", null)).StatusCode);
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Cancelled);
        Assert.Equal("cancelled", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge")).Conclusion);
        var again = await api.PostAsync($"/api/runs/{run.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        // A cancelled run stays cancelled; re-running it starts a new run of the same head.
        var rerun = await api.PostAsync($"/api/runs/{run.Id}/rerun", null);
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        Assert.NotEqual($"/api/runs/{run.Id}", rerun.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/runs/999/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateAnonymousClient().GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task RerunThroughTheApi_RunsEveryStageAgain()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge");
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);

        var response = await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/rerun", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var again = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting, r => r.Stages.All(s => s.Attempt == 2));
        Assert.Equal(run.Id, again.Id);
        Assert.Equal(2, harness.Deployments.Deploys.Count);
    }
}
