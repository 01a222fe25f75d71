using System.Text.Json.Nodes;
using CodegenCicd.Pipelines.Runs;
using Microsoft.AspNetCore.Http;

namespace CodegenCicd.Tests.Pipelines;

public sealed class StageTimeoutAndMergeRaceTests
{
    [Fact]
    public async Task DeployRequestTimesOut_IsRetriedAsAnInfrastructureError_ThenEndsActionRequired_WithTheCheckRunCompleted()
    {
        await using var harness = await PipelineHarness.StartAsync();
        // What an HttpClient or Octokit request timeout throws: a cancellation the job never asked for.
        harness.Deployments.OnDeploy = (source, config, ct) =>
            Task.FromException<CodegenCicd.Sandboxes.DeployResult>(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.ActionRequired);
        var deploy = run.Stages.Single(s => s.Kind == StageKind.Deploy);
        Assert.Equal(StageConclusion.ActionRequired, deploy.Conclusion);
        Assert.Equal(1, deploy.InfrastructureFailures);
        // The first attempt plus Pipelines:InfrastructureRetries (1), not an endless loop of takeovers.
        Assert.Equal(2, harness.Deployments.Deploys.Count);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy"));
        Assert.Equal("completed", check.Status);
        Assert.Equal("action_required", check.Conclusion);
        Assert.Contains("Still failing after 1 retries", check.Summary, StringComparison.Ordinal);
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public void TakingOverAStageWhoseWorkerDied_KeepsItsStartTime_SoTheWatchdogTimeoutStillCounts()
    {
        var started = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var stage = new PipelineStage { Kind = StageKind.Deploy, Status = StageStatus.Queued };
        stage.MoveTo(StageStatus.InProgress, started);

        stage.MoveTo(StageStatus.InProgress, started.AddMinutes(20));
        stage.MoveTo(StageStatus.InProgress, started.AddMinutes(40));

        Assert.Equal(started, stage.StartedAt);
        Assert.Equal(3, stage.Attempt);
        Assert.Equal(started.AddMinutes(40), stage.HeartbeatAt);
    }

    [Fact]
    public async Task ClosedAsMergedWhileTheMergeGateFinishes_LeavesTheRunSucceeded_WithTheMergeRecorded()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        var closedDelivered = new TaskCompletionSource();
        // GitHub merges and sends pull_request.closed (merged: true) before the gate hears the merge answer.
        harness.GitHub.Overrides.Enqueue(("PUT", $"/repos/{harness.Repository}/pulls/7/merge", async context =>
        {
            var pr = harness.PullRequestState;
            pr.Merged = true;
            pr.State = "closed";
            pr.MergeCommitSha = new string('d', 40);
            harness.GitHub.Merges.Enqueue(new(harness.Repository, 7, pr.HeadSha, "squash", pr.MergeCommitSha));
            await harness.DeliverAsync(app, "pull_request.closed", patch: payload =>
            {
                payload["pull_request"]!["merged"] = true;
                payload["pull_request"]!["state"] = "closed";
            });
            closedDelivered.SetResult();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject { ["sha"] = pr.MergeCommitSha, ["merged"] = true, ["message"] = "Pull Request successfully merged" }.ToJsonString());
        }));

        await harness.DeliverAsync(app, "pull_request.opened");
        await closedDelivered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(new string('d', 40), run.MergedSha);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Equal("success", merge.Conclusion);
        Assert.Single(harness.GitHub.Merges);
        Assert.Contains((harness.Repository, harness.PullRequest), harness.Deployments.Teardowns);
        Assert.DoesNotContain(await PipelineHarness.RunsAsync(app), r => r.Status == RunStatus.Cancelled);
    }
}
