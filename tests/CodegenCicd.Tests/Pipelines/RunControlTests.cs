using System.Collections.Concurrent;
using System.Net;
using CodegenCicd.Data;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Comments;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>
/// Cancel and re-run answer once the change is saved; GitHub and the sandbox are told by the outbox's processor, so
/// a slow or unreachable GitHub neither hangs the admin's click nor loses the update.
/// </summary>
public sealed class RunControlTests
{
    // Below GitHub's 30 s attempt timeout (GitHubRetryPolicy.AttemptTimeout), so an answer within it did not wait
    // for the held GitHub; well above what a busy machine needs for a first request to a fresh host.
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(20);
    private static readonly string[] CancelledChecks = ["CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge"];

    [Fact]
    public async Task ApiCancel_AnswersWhileGitHubHangs_AndTheJobEndsTheCheckRunsCancelled()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var deployStopped = harness.Deployments.HoldUntilCancelled();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var run = Assert.Single(await PipelineHarness.RunsAsync(app));
        var gitHubDown = harness.GitHub.CheckRunUpdateHold = new RequestHold();

        var response = await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/cancel", null).WaitAsync(Quickly);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(RunStatus.Cancelled, Assert.Single(await PipelineHarness.RunsAsync(app)).Status);
        // The stage running on this node stops at once, not when GitHub answers.
        await deployStopped.Task.WaitAsync(Quickly);
        await gitHubDown.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("in_progress", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy")).Status);

        gitHubDown.Release();
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Cancelled);
        foreach (var name in CancelledChecks)
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, name));
            Assert.Equal(("completed", "cancelled"), (check.Status, check.Conclusion));
        }
        Assert.Equal("success", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / analysis")).Conclusion);
        await PipelineHarness.WaitUntilAsync(() => harness.Deployments.Teardowns.Contains((harness.Repository, harness.PullRequest)), "the preview teardown");
    }

    [Fact]
    public async Task ApiRerun_AnswersWhileGitHubHangs_AndTheJobQueuesTheChecksAgainBeforeTheyComplete()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge");
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var gitHubDown = harness.GitHub.CheckRunUpdateHold = new RequestHold();

        var response = await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/rerun", null).WaitAsync(Quickly);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await gitHubDown.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        var waiting = Assert.Single(await PipelineHarness.RunsAsync(app));
        Assert.Equal(RunStatus.Running, waiting.Status);
        // Nothing ran again while GitHub had not shown the checks queued.
        Assert.Single(harness.Deployments.Deploys);

        gitHubDown.Release();
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting, r => r.Stages.All(s => s.Attempt == 2));
        Assert.Equal(2, harness.Deployments.Deploys.Count);
        foreach (var name in new[] { "CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge" })
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, name));
            var statuses = check.Updates.Select(u => u["status"]?.GetValue<string>()).ToList();
            var requeued = statuses.IndexOf("queued", statuses.IndexOf("completed"));
            Assert.True(requeued > 0, $"{name} was not queued again after it completed: {string.Join(", ", statuses)}");
            Assert.Contains("completed", statuses.Skip(requeued));
            Assert.Equal("completed", check.Status);
        }
    }

    [Fact]
    public async Task CancelOnAnotherNode_StopsTheStageRunningHere()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var deployStopped = harness.Deployments.HoldUntilCancelled();
        var worker = await harness.StartAppAsync();
        var admin = await harness.StartAppAsync();
        await harness.DeliverAsync(worker, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var run = Assert.Single(await PipelineHarness.RunsAsync(admin));

        var response = await admin.CreateApiClient().PostAsync($"/api/runs/{run.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // The worker hears of it through its heartbeat (lease 5 s: a beat every ~1.7 s).
        await deployStopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var cancelled = await PipelineHarness.WaitForSettledRunAsync(admin, RunStatus.Cancelled);
        Assert.Equal(StageConclusion.Cancelled, cancelled.Stages.Single(s => s.Kind == StageKind.Deploy).Conclusion);
        Assert.Equal("cancelled", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy")).Conclusion);
    }

    [Fact]
    public async Task CancelWhoseJobFailsOnce_IsFinishedOnRetry_WithoutRepeatingUpdatesCommentsOrNotifications()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Pipelines:EffectRetrySeconds"] = "3600";
        var listener = new CountingListener();
        harness.ConfigureServices = services => services.AddSingleton<IPipelineOutcomeListener>(listener);
        var teardownAttempts = 0;
        harness.Deployments.OnTeardown = (_, _) =>
        {
            if (Interlocked.Increment(ref teardownAttempts) == 1)
            {
                throw new IOException("the sandbox did not stop");
            }
        };
        harness.Deployments.HoldUntilCancelled();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var run = Assert.Single(await PipelineHarness.RunsAsync(app));

        Assert.Equal(HttpStatusCode.Accepted, (await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/cancel", null)).StatusCode);

        // The failed teardown waits for its retry; run that retry now instead of after its back-off.
        await WaitForFailedTeardownAsync(app, run.Id);
        Assert.Empty(harness.Deployments.Teardowns);
        await MakeDueNowAsync(app, run.Id);
        await PipelineHarness.WaitUntilAsync(() => !harness.Deployments.Teardowns.IsEmpty, "the retried teardown");

        Assert.Equal(2, teardownAttempts);
        Assert.Single(harness.Deployments.Teardowns);
        var outcome = Assert.Single(listener.Outcomes);
        Assert.Equal(PipelineConclusion.Cancelled, outcome.Conclusion);
        Assert.Single(harness.GitHub.Comments.Values, c => c.Number == harness.PullRequest && c.Body.Contains(PullRequestComments.Marker, StringComparison.Ordinal));
        foreach (var name in CancelledChecks)
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, name));
            Assert.Single(check.Updates, u => u["conclusion"]?.GetValue<string>() == "cancelled");
        }
    }

    [Fact]
    public async Task LateFollowUpOfASupersededRun_LeavesTheNewHeadsPreviewRunning()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Deployments.HoldUntilCancelled(onlyFirst: true);
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var oldRun = Assert.Single(await PipelineHarness.RunsAsync(app));
        harness.PullRequestState.HeadSha = harness.Sample.Commit("fix greeting");
        await harness.DeliverAsync(app, "pull_request.synchronize");
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var teardowns = harness.Deployments.Teardowns.Count;

        // A retried or long-due teardown for the old run comes after the new head deployed.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(PipelineEffect.For(oldRun.Id, EffectKind.TearDownPreview, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        await app.Services.GetRequiredService<EffectProcessor>().ProcessRunAsync(oldRun.Id, CancellationToken.None);
        await PipelineHarness.WaitForRunAsync(app, r => r.Id == oldRun.Id && r.Effects.Count == 0);

        Assert.Equal(teardowns, harness.Deployments.Teardowns.Count);
    }

    private static Task WaitForFailedTeardownAsync(AppFactory app, long runId) =>
        PipelineHarness.WaitForRunAsync(app, r => r.Id == runId && r.Effects.Any(e => e.Kind == EffectKind.TearDownPreview && e.Failures == 1));

    private static async Task MakeDueNowAsync(AppFactory app, long runId)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PipelineEffect>().Where(e => e.RunId == runId)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.DueAt, 0L));
        }
        app.Services.GetRequiredService<EffectSignal>().Wake();
    }

    private sealed class CountingListener : IPipelineOutcomeListener
    {
        public ConcurrentQueue<PipelineRunOutcome> Outcomes { get; } = new();

        public Task OnRunCompletedAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken)
        {
            Outcomes.Enqueue(outcome);
            return Task.CompletedTask;
        }
    }
    [Fact]
    public async Task RerunOfAnAdminCancelledRun_StartsANewRunOfTheSameHead_AndASupersededOneIsRefusedNamingItsSuccessor()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var firstDeployStopped = harness.Deployments.HoldUntilCancelled(onlyFirst: true);
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var first = Assert.Single(await PipelineHarness.RunsAsync(app));
        Assert.Equal(HttpStatusCode.Accepted, (await app.CreateApiClient().PostAsync($"/api/runs/{first.Id}/cancel", null)).StatusCode);
        await firstDeployStopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Cancelled);

        var rerun = await app.CreateApiClient().PostAsync($"/api/runs/{first.Id}/rerun", null);

        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        var second = await PipelineHarness.WaitForRunAsync(app, r => r.Id != first.Id && r.Status.IsFinal());
        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(first.HeadSha, second.HeadSha);
        Assert.Equal($"/api/runs/{second.Id}", rerun.Headers.Location?.OriginalString);
        Assert.Equal(RunStatus.Cancelled, (await PipelineHarness.RunsAsync(app)).Single(r => r.Id == first.Id).Status);

        var again = await app.CreateApiClient().PostAsync($"/api/runs/{first.Id}/rerun", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains($"Run #{second.Id} of this pull request replaced it", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

}
