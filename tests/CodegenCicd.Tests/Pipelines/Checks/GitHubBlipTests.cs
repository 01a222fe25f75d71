using System.Diagnostics;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CodegenCicd.Tests.Pipelines.Checks;

/// <summary>
/// GitHub answering 502 while the pipeline creates its check runs: the creation is retried in-process (looked up
/// by external id first), so the run goes on without waiting for Hangfire's job-level retry and never shows a
/// check run twice. The back-off is set to zero: what is asserted is the outcome, not the time it took.
/// </summary>
public sealed class GitHubBlipTests(ITestOutputHelper output)
{
    private static readonly string[] CheckNames =
        ["CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge"];

    [Fact]
    public async Task ThreeBadGatewaysOnCheckRunCreation_AreRetriedInProcess_AndEveryCheckRunCompletesOnce()
    {
        await using var harness = await StartAsync();
        var blips = harness.GitHub.FailNext("POST", $"/repos/{harness.Repository}/check-runs", times: 3);
        var app = await harness.StartAppAsync();

        var watch = Stopwatch.StartNew();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        output.WriteLine($"webhook to settled run: {watch.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(0, blips.Remaining);
        AssertOneCompletedCheckRunPerName(harness, run.HeadSha);
        // Four creations plus the three that GitHub refused.
        Assert.Equal(7, CheckRunCreations(harness));
        AssertPreparedWithoutJobRetry(app);
    }

    [Fact]
    public async Task CreationThatGitHubCarriedOutButAnswered502_IsFoundByExternalId_NotCreatedTwice()
    {
        await using var harness = await StartAsync();
        var route = $"/repos/{harness.Repository}/check-runs";
        var blip = harness.GitHub.FailNext("POST", route, 1, afterCarryingOut: true);
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);

        Assert.Equal(0, blip.Remaining);
        AssertOneCompletedCheckRunPerName(harness, run.HeadSha);
        // The lookup after the 502 found the analysis check run GitHub had made: no second POST for it.
        Assert.Equal(4, CheckRunCreations(harness));
        var analysis = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, CheckNames[0]));
        var stage = run.Stages.Single(s => s.Kind == StageKind.Analysis);
        Assert.Equal($"codegencicd-stage-{stage.Id}", analysis.ExternalId);
        Assert.Equal(analysis.Id, stage.CheckRunId);
        AssertPreparedWithoutJobRetry(app);
    }

    [Fact]
    public async Task BadGatewaysOnCheckRunUpdates_AreRetriedInProcess()
    {
        await using var harness = await StartAsync();
        // Were the updates left to the outbox, its retry would come after the test gave up waiting.
        harness.Settings["Pipelines:EffectRetrySeconds"] = "3600";
        var route = $"/repos/{harness.Repository}/check-runs";
        var blips = harness.GitHub.FailNext("PATCH", route, 3, afterCarryingOut: true);
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);

        Assert.Equal(0, blips.Remaining);
        AssertOneCompletedCheckRunPerName(harness, run.HeadSha);
    }

    private static async Task<PipelineHarness> StartAsync()
    {
        var harness = await PipelineHarness.StartAsync();
        harness.UseAppHttpPipeline = true;
        harness.Settings["GitHub:TransientRetryDelaySeconds"] = "0";
        return harness;
    }

    private static void AssertOneCompletedCheckRunPerName(PipelineHarness harness, string headSha)
    {
        foreach (var name in CheckNames)
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(headSha, name));
            Assert.Equal("completed", check.Status);
            Assert.Equal("success", check.Conclusion);
        }
        Assert.Equal(4, harness.GitHub.CheckRuns.Count);
    }

    private static int CheckRunCreations(PipelineHarness harness) => harness.GitHub.Requests.Count(r =>
        r.Method == "POST" && r.PathAndQuery == $"/repos/{harness.Repository}/check-runs");

    /// <summary>The run was prepared by one job execution: Hangfire never scheduled a retry of it.</summary>
    private static void AssertPreparedWithoutJobRetry(Infrastructure.AppFactory app)
    {
        var storage = app.Services.GetRequiredService<JobStorage>();
        var monitoring = storage.GetMonitoringApi();
        var prepared = monitoring.SucceededJobs(0, 1000)
            .Where(j => j.Value.Job?.Type == typeof(PrepareRunJob)).ToList();
        Assert.NotEmpty(prepared);
        using var connection = storage.GetConnection();
        Assert.All(prepared, j => Assert.Null(connection.GetJobParameter(j.Key, "RetryCount")));
        Assert.DoesNotContain(monitoring.ScheduledJobs(0, 1000), j => j.Value.Job?.Type == typeof(PrepareRunJob));
    }
}
