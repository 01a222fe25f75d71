using System.Collections.Concurrent;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>
/// The outbox: what follows a saved change is written with it and carried out at least once, by
/// whichever process is alive, and carrying it out again sends GitHub nothing twice.
/// </summary>
public sealed class PipelineEffectTests
{
    private static readonly string[] Checks = ["CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge"];

    [Fact]
    public async Task EffectsDoneButNotMarked_AreCarriedOutAgainAtStartUp_AndGitHubHearsNothingTwice()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var first = await harness.StartAppAsync();
        await harness.DeliverAsync(first, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(first, RunStatus.Succeeded);
        await first.DisposeAsync();
        var checkRunUpdates = CheckRunUpdates(harness);
        var commentWrites = CommentWrites(harness);

        // The process pushed every check run and the PR comment, then died before deleting the rows:
        // they are still there, claimed by a lease that ran out.
        await using (var db = harness.OpenDatabase())
        {
            var expired = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
            foreach (var stage in run.Stages)
            {
                var sync = PipelineEffect.For(run.Id, EffectKind.SyncCheckRun, DateTimeOffset.UtcNow.AddMinutes(-2));
                (sync.StageId, sync.LeaseToken, sync.LeaseUntil) = (stage.Id, Guid.NewGuid(), expired);
                db.Add(sync);
            }
            var report = PipelineEffect.For(run.Id, EffectKind.ReportRun, DateTimeOffset.UtcNow.AddMinutes(-2));
            (report.ForStatus, report.LeaseToken, report.LeaseUntil) = (RunStatus.Succeeded, Guid.NewGuid(), expired);
            db.Add(report);
            await db.SaveChangesAsync();
        }

        var second = await harness.StartAppAsync();
        var again = await PipelineHarness.WaitForSettledRunAsync(second, RunStatus.Succeeded);

        Assert.Empty(again.Effects);
        Assert.Equal(checkRunUpdates, CheckRunUpdates(harness));
        Assert.Equal(commentWrites, CommentWrites(harness));
    }

    [Fact]
    public async Task TwoProcessorsAtOnce_CarryOutEachEffectOnce()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge");
        var listener = new CountingListener();
        harness.ConfigureServices = services => services.AddSingleton<IPipelineOutcomeListener>(listener);
        var app = await harness.StartAppAsync();
        var other = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var commentWrites = CommentWrites(harness);

        // A cancel saved with its effects; both nodes' processors (and their pumps) go for them at once.
        await using (var db = harness.OpenDatabase())
        {
            var run = await db.Set<PipelineRun>().Include(r => r.Stages).SingleAsync(r => r.Id == waiting.Id);
            run.MoveTo(RunStatus.Cancelled, DateTimeOffset.UtcNow, "cancelled by a test");
            run.TearDownPreview(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        await Task.WhenAll(
            Task.Run(() => app.Services.GetRequiredService<EffectProcessor>().ProcessDueAsync(CancellationToken.None)),
            Task.Run(() => other.Services.GetRequiredService<EffectProcessor>().ProcessDueAsync(CancellationToken.None)),
            Task.Run(() => other.Services.GetRequiredService<EffectProcessor>().ProcessRunAsync(waiting.Id, CancellationToken.None)));

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Cancelled);
        Assert.Single(harness.Deployments.Teardowns);
        Assert.Equal(PipelineConclusion.Cancelled, Assert.Single(listener.Outcomes).Conclusion);
        Assert.Equal(commentWrites + 1, CommentWrites(harness));
    }

    [Fact]
    public async Task CrashBetweenTheSaveAndItsEffects_LosesNothing_TheNextStartCarriesThemOut()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var listener = new CountingListener();
        harness.ConfigureServices = services => services.AddSingleton<IPipelineOutcomeListener>(listener);
        harness.Deployments.HoldUntilCancelled();
        var first = await harness.StartAppAsync();
        await harness.DeliverAsync(first, "pull_request.opened");
        await harness.Deployments.DeployStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();

        // A cancel was saved, with what must follow it, and the process died before any of it ran.
        long runId;
        await using (var db = harness.OpenDatabase())
        {
            var run = await db.Set<PipelineRun>().Include(r => r.Stages).SingleAsync();
            runId = run.Id;
            var now = DateTimeOffset.UtcNow;
            foreach (var stage in run.Stages.Where(s => s.Status != StageStatus.Completed))
            {
                stage.Complete(StageConclusion.Cancelled, "Cancelled", "Cancelled: by a test", now);
            }
            run.MoveTo(RunStatus.Cancelled, now, "by a test");
            run.TearDownPreview(now);
            await db.SaveChangesAsync();
        }
        Assert.Empty(listener.Outcomes);
        Assert.Empty(harness.Deployments.Teardowns);

        var second = await harness.StartAppAsync();
        var cancelled = await PipelineHarness.WaitForSettledRunAsync(second, RunStatus.Cancelled);

        Assert.Equal(runId, cancelled.Id);
        foreach (var name in Checks.Skip(1))
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(cancelled.HeadSha, name));
            Assert.Equal(("completed", "cancelled"), (check.Status, check.Conclusion));
        }
        Assert.Equal(PipelineConclusion.Cancelled, Assert.Single(listener.Outcomes).Conclusion);
        Assert.Contains("**Cancelled**", Assert.Single(harness.GitHub.Comments.Values).Body, StringComparison.Ordinal);
        Assert.Single(harness.Deployments.Teardowns);
    }

    private static int CheckRunUpdates(PipelineHarness harness) =>
        harness.GitHub.Requests.Count(r => r.Method == "PATCH" && r.PathAndQuery.Contains("/check-runs/", StringComparison.Ordinal));

    private static int CommentWrites(PipelineHarness harness) =>
        harness.GitHub.Requests.Count(r => r.Method is "PATCH" or "POST" && r.PathAndQuery.Contains("/comments", StringComparison.Ordinal));

    private sealed class CountingListener : IPipelineOutcomeListener
    {
        public ConcurrentQueue<PipelineRunOutcome> Outcomes { get; } = new();

        public Task OnRunCompletedAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken)
        {
            Outcomes.Enqueue(outcome);
            return Task.CompletedTask;
        }
    }
}
