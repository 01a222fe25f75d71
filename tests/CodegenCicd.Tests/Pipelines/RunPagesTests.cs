using System.Net;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;

namespace CodegenCicd.Tests.Pipelines;

public sealed class RunPagesTests
{
    [Fact]
    public async Task RunsPage_ListsRuns_AndFiltersByStatus()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var browser = await app.CreateSignedInClientAsync();

        var list = await browser.GetStringAsync("/Runs");
        Assert.Contains($"href=\"/Runs/{run.Id}\"", list, StringComparison.Ordinal);
        Assert.Contains($"{harness.Repository} #7", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/Runs/{run.Id}\"", await browser.GetStringAsync("/Runs?status=Failed"), StringComparison.Ordinal);
        Assert.Contains("Unknown status", await browser.GetStringAsync("/Runs?status=purple"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_ShowsStagesWithLogsAndCheckRunLinks_AndItsRerunButtonWorks()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge");
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var browser = await app.CreateSignedInClientAsync();

        var page = await browser.GetStringAsync($"/Runs/{run.Id}");
        Assert.Contains("CodegenCICD / web-eval", page, StringComparison.Ordinal);
        Assert.Contains("blocking label `do-not-merge`", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        var deployCheck = run.Stages.Single(s => s.Kind == StageKind.Deploy).CheckRunId;
        Assert.Contains($"https://github.com/{harness.Repository}/runs/{deployCheck}", page, StringComparison.Ordinal);
        Assert.Contains("node server.js", page, StringComparison.Ordinal);

        var response = await Forms.PostAsync(browser, $"/Runs/{run.Id}?handler=Rerun", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting, r => r.Stages.All(s => s.Attempt == 2));
        Assert.Contains("Re-run started.", await browser.GetStringAsync(response.Headers.Location!.ToString()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPageCancelButton_RedirectsWithItsMessage_WhileGitHubHangs()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Deployments.HoldUntilCancelled();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var run = Assert.Single(await PipelineHarness.RunsAsync(app));
        var browser = await app.CreateSignedInClientAsync();
        var gitHubDown = harness.GitHub.CheckRunUpdateHold = new RequestHold();

        // Below GitHub's 30 s attempt timeout: an answer within it did not wait for the held GitHub.
        var response = await Forms.PostAsync(browser, $"/Runs/{run.Id}?handler=Cancel", []).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Run cancelled", await browser.GetStringAsync(response.Headers.Location!.ToString()), StringComparison.Ordinal);
        gitHubDown.Release();
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Cancelled);
        Assert.Equal("cancelled", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge")).Conclusion);
    }

    [Fact]
    public async Task RerunWithoutAntiforgeryToken_IsRefused()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var browser = await app.CreateSignedInClientAsync();

        var response = await browser.PostAsync($"/Runs/{run.Id}?handler=Rerun", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, Assert.Single(await PipelineHarness.RunsAsync(app)).Stages.Max(s => s.Attempt));
    }

    [Fact]
    public async Task UnknownRun_Is404()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        var browser = await app.CreateSignedInClientAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/Runs/424242")).StatusCode);
    }
}
