using System.Text.Json.Nodes;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PipelineTriggerTests
{
    [Fact]
    public async Task SynchronizeMidRun_CancelsTheOldRun_AndTheNewHeadIsValidatedAndMerged()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var firstDeploy = new TaskCompletionSource();
        harness.Deployments.OnDeploy = async (source, config, ct) =>
        {
            if (harness.Deployments.Deploys.Count == 1)
            {
                // The first head's deploy hangs until it is cancelled.
                await firstDeploy.Task.WaitAsync(ct);
            }
            return FakeDeployments.Healthy(source, config);
        };
        var app = await harness.StartAppAsync();
        var oldHead = harness.Sample.HeadSha;
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var newHead = harness.Sample.Commit("fix greeting");
        harness.PullRequestState.HeadSha = newHead;
        await harness.DeliverAsync(app, "pull_request.synchronize");

        var newRun = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded, r => r.HeadSha == newHead);
        var oldRun = Assert.Single(await PipelineHarness.RunsAsync(app), r => r.HeadSha == oldHead);
        Assert.Equal(RunStatus.Cancelled, oldRun.Status);
        foreach (var name in new[] { "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge" })
        {
            Assert.Equal("cancelled", Assert.Single(harness.GitHub.CheckRunsFor(oldHead, name)).Conclusion);
        }
        Assert.Contains((harness.Repository, harness.PullRequest), harness.Deployments.Teardowns);
        var merge = Assert.Single(harness.GitHub.Merges);
        Assert.Equal(newHead, merge.Sha);
        Assert.NotEqual(oldRun.Id, newRun.Id);
    }

    [Fact]
    public async Task RedeliveredWebhook_StartsNothingNew()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened", deliveryId: "d-1");
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        await harness.DeliverAsync(app, "pull_request.opened", deliveryId: "d-1");
        // Another event for the same head (GitHub sends reopened/synchronize races) also finds the run.
        await harness.DeliverAsync(app, "pull_request.synchronize", deliveryId: "d-2");

        var run = Assert.Single(await PipelineHarness.RunsAsync(app));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Single(harness.GitHub.CheckRunsFor(harness.Sample.HeadSha, "CodegenCICD / analysis"));
        Assert.Single(harness.GitHub.Merges);
    }

    [Fact]
    public async Task RerequestedCheckRun_RerunsThatStageAndTheOnesAfterIt()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var attempts = 0;
        harness.Deployments.OnDeploy = (source, config, ct) => Task.FromResult(Interlocked.Increment(ref attempts) == 1
            ? new DeployResult(false, [new CommandResult("npm ci", 1, TimeSpan.FromSeconds(1), "ETIMEDOUT registry", false)], false, null, null, null)
            : FakeDeployments.Healthy(source, config));
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var failed = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Failed);
        var deployCheck = Assert.Single(harness.GitHub.CheckRunsFor(failed.HeadSha, "CodegenCICD / deploy"));

        await harness.DeliverAsync(app, "check_run.rerequested", patch: payload =>
        {
            payload["check_run"]!["id"] = deployCheck.Id;
            payload["check_run"]!["head_sha"] = failed.HeadSha;
            payload["check_run"]!["external_id"] = deployCheck.ExternalId;
        });

        var rerun = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded, r => r.Id == failed.Id);
        Assert.Equal(1, rerun.Stages.Single(s => s.Kind == StageKind.Analysis).Attempt);
        Assert.Equal(2, rerun.Stages.Single(s => s.Kind == StageKind.Deploy).Attempt);
        Assert.Equal("success", deployCheck.Conclusion);
        Assert.Single(harness.GitHub.CheckRunsFor(failed.HeadSha, "CodegenCICD / deploy"));
        Assert.Single(harness.GitHub.Merges);
    }

    [Fact]
    public async Task DraftPullRequest_Waits_UntilReadyForReview()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        harness.PullRequestState.Draft = true;

        await harness.DeliverAsync(app, "pull_request.opened");
        Assert.Empty(await PipelineHarness.RunsAsync(app));

        harness.PullRequestState.Draft = false;
        await harness.DeliverAsync(app, "pull_request.ready_for_review");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal("pull_request.ready_for_review", run.Trigger);
    }

    [Fact]
    public async Task ClosedPullRequest_CancelsItsRun_AndTearsDownThePreview()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Deployments.HoldUntilCancelled();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        harness.PullRequestState.State = "closed";
        await harness.DeliverAsync(app, "pull_request.closed");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Cancelled);
        Assert.Contains("closed", run.StatusReason, StringComparison.Ordinal);
        Assert.Equal("cancelled", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy")).Conclusion);
        Assert.Contains((harness.Repository, harness.PullRequest), harness.Deployments.Teardowns);
    }

    [Fact]
    public async Task CloseHandledAfterTheReopenThatFollowedIt_IsIgnored_AndTheReopenedRunGoesOn()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var deploying = new TaskCompletionSource();
        harness.Deployments.OnDeploy = async (source, config, ct) =>
        {
            await deploying.Task.WaitAsync(ct);
            return FakeDeployments.Healthy(source, config);
        };
        var app = await harness.StartAppAsync();
        // Closed, then reopened on GitHub; the reopen's delivery is handled first.
        await harness.DeliverAsync(app, "pull_request.reopened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await harness.DeliverAsync(app, "pull_request.closed");

        var run = Assert.Single(await PipelineHarness.RunsAsync(app));
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Null(run.PullRequestClosedAt);
        Assert.Empty(harness.Deployments.Teardowns);
        deploying.SetResult();
        await PipelineHarness.WaitForRunAsync(app, r => r.Status.IsFinal() || r.Status == RunStatus.Waiting);
    }

    [Fact]
    public async Task InvalidConfigFile_FailsTheRun_WithTheParseErrorAndLine()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("broken config", "deploy:\n  start: node server.js\nmerge:\n  method: fast-forward\n");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Failed);
        var analysis = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / analysis"));
        Assert.Equal("failure", analysis.Conclusion);
        Assert.Contains(".github/codegen-cicd.yml line 4: merge.method must be merge, squash or rebase", analysis.Summary, StringComparison.Ordinal);
        Assert.Empty(harness.Deployments.Deploys);
    }

    [Fact]
    public async Task UnknownConfigKeys_AreListedInTheAnalysisCheckRun()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("typo", SampleRepository.DefaultConfig + "\n  automerge_label: ship-it\nnotify: slack\n");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var analysis = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / analysis"));
        Assert.Contains("`merge.automerge_label`, `notify`", analysis.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingConfigured_CompletesStagesNeutral_WithTheReason()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("no config", "merge:\n  auto: false\n");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Contains("no analysis commands configured", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / analysis")).Summary, StringComparison.Ordinal);
        Assert.Contains("no deploy.start command configured", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy")).Summary, StringComparison.Ordinal);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Equal("neutral", merge.Conclusion);
        Assert.Contains("Auto-merge is off", merge.Summary, StringComparison.Ordinal);
        Assert.Contains("merge-now", merge.ActionIdentifiers);
        Assert.Empty(harness.GitHub.Merges);
    }
}
