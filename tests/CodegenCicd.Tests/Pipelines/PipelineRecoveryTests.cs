using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PipelineRecoveryTests
{
    // Short, so the restarted process takes the dead one's stage over soon; not so short that a busy machine
    // stalling the live heartbeat for a second looks like another death (an attempt the tests count).
    private const string RestartLease = "3";

    [Fact]
    public async Task ProcessKilledMidStage_TheRestartedProcessCompletesTheRun_WithExactlyOneMerge()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Pipelines:StageLeaseSeconds"] = RestartLease;
        harness.Deployments.OnDeploy = async (source, config, ct) =>
        {
            if (harness.Deployments.Deploys.Count == 1)
            {
                // The first process dies while this deploy runs.
                await Task.Delay(Timeout.Infinite, ct);
            }
            return FakeDeployments.Healthy(source, config);
        };
        var first = await harness.StartAppAsync();
        await harness.DeliverAsync(first, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await first.DisposeAsync();
        var second = await harness.StartAppAsync();

        var run = await PipelineHarness.WaitForSettledRunAsync(second, RunStatus.Succeeded);
        Assert.Equal(2, run.Stages.Single(s => s.Kind == StageKind.Deploy).Attempt);
        Assert.Equal(1, run.Stages.Single(s => s.Kind == StageKind.Analysis).Attempt);
        Assert.Single(harness.GitHub.Merges);
        foreach (var name in new[] { "CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge" })
        {
            Assert.Equal("success", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, name)).Conclusion);
        }
        Assert.Single(harness.GitHub.Comments.Values);
    }

    [Fact]
    public async Task ProcessKilledAfterTheMergeCall_TheRestartedProcessSeesTheMerge_AndDoesNotMergeAgain()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Pipelines:StageLeaseSeconds"] = RestartLease;
        var first = await harness.StartAppAsync();
        var merged = new TaskCompletionSource();
        // GitHub merges, but the process dies before it hears the answer.
        harness.GitHub.Overrides.Enqueue(("PUT", $"/repos/{harness.Repository}/pulls/7/merge", async context =>
        {
            var pr = harness.PullRequestState;
            pr.Merged = true;
            pr.State = "closed";
            pr.MergeCommitSha = new string('c', 40);
            harness.GitHub.Merges.Enqueue(new(harness.Repository, 7, pr.HeadSha, "squash", pr.MergeCommitSha));
            merged.SetResult();
            // No answer ever reaches the app: the connection drops while the process is going down.
            await Task.Delay(TimeSpan.FromSeconds(2), context.RequestAborted);
            context.Abort();
        }));
        await harness.DeliverAsync(first, "pull_request.opened");
        await merged.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await first.DisposeAsync();
        var second = await harness.StartAppAsync();

        var run = await PipelineHarness.WaitForSettledRunAsync(second, RunStatus.Succeeded);
        Assert.Single(harness.GitHub.Merges);
        Assert.True(run.MergedSha == new string('c', 40), PipelineHarness.Describe(run) + " / " + Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge")).Summary);
        Assert.Contains("already merged", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge")).Title, StringComparison.Ordinal);
    }
}
