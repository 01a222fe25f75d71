using CodegenCicd.Data;
using CodegenCicd.Pipelines.Recovery;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Pipelines;

public sealed class StageWatchdogTests
{
    [Fact]
    public async Task StageStuckPastItsTimeout_IsCompletedTimedOut_NotLeftInProgress()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Deployments.HoldUntilCancelled();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The deploy has been running for two hours (its timeout is 10 minutes plus the stage allowance).
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var stage = await db.Set<PipelineStage>().SingleAsync(s => s.Kind == StageKind.Deploy);
            stage.StartedAt = DateTimeOffset.UtcNow.AddHours(-2);
            await db.SaveChangesAsync();

            await scope.ServiceProvider.GetRequiredService<StageWatchdog>().RunAsync(CancellationToken.None);
        }

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.ActionRequired);
        var deploy = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy"));
        Assert.Equal("timed_out", deploy.Conclusion);
        Assert.Contains("stopped by the watchdog", deploy.Summary, StringComparison.Ordinal);
        Assert.All(harness.GitHub.CheckRuns.Values, c => Assert.Equal("completed", c.Status));
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task RunThatGitHubNeverLetUsPrepare_EndsActionRequired_NotQueuedForever()
    {
        await using var harness = await PipelineHarness.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            harness.GitHub.Overrides.Enqueue(("POST", $"/repos/{harness.Repository}/check-runs",
                context => Infrastructure.FakeGitHub.FakeGitHub.Error(502, "Server Error").ExecuteAsync(context)));
        }
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await PipelineHarness.WaitUntilAsync(() => harness.GitHub.Requests.Any(r => r.Method == "POST" && r.PathAndQuery.EndsWith("/check-runs", StringComparison.Ordinal)),
            "the app to try creating a check run");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var queued = await db.Set<PipelineRun>().SingleAsync();
            queued.CreatedAt = DateTimeOffset.UtcNow.AddHours(-2);
            await db.SaveChangesAsync();

            await scope.ServiceProvider.GetRequiredService<StageWatchdog>().RunAsync(CancellationToken.None);
        }

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.ActionRequired);
        Assert.Equal("could not prepare the run", run.StatusReason);
        Assert.All(run.Stages, s => Assert.Equal(StageConclusion.ActionRequired, s.Conclusion));
        Assert.Empty(harness.Deployments.Deploys);
    }

    [Fact]
    public async Task StageWhoseJobNeverCame_IsSentAgain_AfterTheLease()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Single(harness.WebEval.Requests);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // What a node that died before taking its queued web-eval job leaves: the stage's turn came two
            // minutes ago, and no job is left anywhere that would run it.
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var run = await db.Set<PipelineRun>().Include(r => r.Stages).SingleAsync();
            run.Status = RunStatus.Running;
            run.CompletedAt = null;
            var webEval = run.Stages.Single(s => s.Kind == StageKind.WebEval);
            (webEval.Status, webEval.Conclusion, webEval.CompletedAt) = (StageStatus.Queued, null, null);
            run.Stages.Single(s => s.Kind == StageKind.Deploy).CompletedAt = DateTimeOffset.UtcNow.AddMinutes(-2);
            await db.SaveChangesAsync();

            await scope.ServiceProvider.GetRequiredService<StageWatchdog>().RunAsync(CancellationToken.None);
        }

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(2, harness.WebEval.Requests.Count);
    }
}
