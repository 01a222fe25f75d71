using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PullRequestPipelineTests
{
    private static readonly string[] CheckNames = ["CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge"];

    [Fact]
    public async Task HealthyPullRequest_GetsFourSuccessfulCheckRuns_AndOneMergeWithThePinnedShaAndConfiguredMethod()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        var head = harness.Sample.HeadSha;

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(head, run.HeadSha);
        foreach (var name in CheckNames)
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(head, name));
            Assert.Equal("completed", check.Status);
            Assert.Equal("success", check.Conclusion);
            Assert.Equal($"https://ci.example.test/Runs/{run.Id}", check.DetailsUrl);
            Assert.Contains("queued", check.Updates.Select(u => u["status"]?.GetValue<string>()));
        }
        var merge = Assert.Single(harness.GitHub.Merges);
        Assert.Equal((head, "squash"), (merge.Sha, merge.Method));
        Assert.Contains($"{harness.Repository} heads/feature/greeting", harness.GitHub.DeletedRefs);
        // The sandbox got the real commit of the sample repository and the web check its deployment.
        Assert.True(harness.Sample.HasCommit(Assert.Single(harness.Deployments.Deploys).HeadSha));
        Assert.Equal(["/", "/about"], Assert.Single(harness.WebEval.Requests).Config.Pages);
        var comment = Assert.Single(harness.GitHub.Comments.Values);
        Assert.Contains($"https://ci.example.test/preview/{harness.Repository}/7/", comment.Body, StringComparison.Ordinal);
        Assert.Contains("| merge | Completed | Success", comment.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllFourCheckRuns_AreCreatedQueued_BeforeTheFirstStageRuns()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var release = new TaskCompletionSource();
        harness.Deployments.OnDeploy = async (source, config, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return FakeDeployments.Healthy(source, config);
        };
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var head = harness.Sample.HeadSha;
        // The deploy runs while its check goes in_progress (an after-save effect): that update may come second.
        await Poll.UntilAsync(() => harness.GitHub.CheckRunsFor(head, CheckNames[1]) is [{ Status: "in_progress" }],
            TimeSpan.FromSeconds(30), "the deploy check to show in_progress");
        Assert.Equal("completed", Assert.Single(harness.GitHub.CheckRunsFor(head, CheckNames[0])).Status);
        Assert.Equal("queued", Assert.Single(harness.GitHub.CheckRunsFor(head, CheckNames[2])).Status);
        Assert.Equal("queued", Assert.Single(harness.GitHub.CheckRunsFor(head, CheckNames[3])).Status);
        release.SetResult();
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
    }

    [Fact]
    public async Task PageThatThrows_FailsWebEval_AndIsNotMerged()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.WebEval.OnEvaluate = request => new WebEvalOutcome(WebEvalVerdict.Failed,
            "`/about` threw: TypeError: greeting is undefined", "## /about\n\nUncaught TypeError: greeting is undefined at app.js:12", "report.json");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Failed);
        var webEval = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, CheckNames[2]));
        Assert.Equal("failure", webEval.Conclusion);
        Assert.Contains("greeting is undefined", webEval.Summary, StringComparison.Ordinal);
        Assert.Contains("app.js:12", webEval.Text, StringComparison.Ordinal);
        var mergeCheck = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, CheckNames[3]));
        Assert.Equal("neutral", mergeCheck.Conclusion);
        Assert.Contains("web-eval", mergeCheck.Title, StringComparison.Ordinal);
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task FailingSetupCommand_FailsDeploy_WithTheCommandAndExitCode()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Deployments.OnDeploy = (source, config, ct) => Task.FromResult(new DeployResult(false,
            [new CommandResult("npm ci", 1, TimeSpan.FromSeconds(2), "npm ERR! missing package-lock.json", false)], false, null, null, null));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Failed);
        var deploy = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, CheckNames[1]));
        Assert.Equal("failure", deploy.Conclusion);
        Assert.Contains("`npm ci` exited with code 1", deploy.Summary, StringComparison.Ordinal);
        Assert.Contains("missing package-lock.json", deploy.Summary, StringComparison.Ordinal);
        Assert.Equal("neutral", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, CheckNames[2])).Conclusion);
        Assert.Empty(harness.GitHub.Merges);
        Assert.Empty(harness.WebEval.Requests);
    }

    [Fact]
    public async Task SandboxThatCannotStart_IsRetried_ThenEndsActionRequired_NotFailure()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Deployments.OnDeploy = (source, config, ct) => Task.FromResult(new DeployResult(false, [], false, null, null, null,
            InfrastructureError: true, Error: "bwrap: setting up uid map: Permission denied"));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.ActionRequired);
        var deploy = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, CheckNames[1]));
        Assert.Equal("action_required", deploy.Conclusion);
        Assert.Contains("Permission denied", deploy.Summary, StringComparison.Ordinal);
        Assert.Contains("not a failure of the pull request", deploy.Summary, StringComparison.Ordinal);
        Assert.Equal(2, harness.Deployments.Deploys.Count);
    }
}
