using System.Text.Json.Nodes;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using CodegenCicd.Tests.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Merging;

public sealed class MergeGateTests
{
    [Fact]
    public async Task BlockingLabel_HoldsTheMerge_AndRemovingItMergesOnTheUnlabeledEvent()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(waiting.HeadSha, "CodegenCICD / merge"));
        Assert.Equal("neutral", check.Conclusion);
        Assert.Contains("blocking label `do-not-merge`", check.Summary, StringComparison.Ordinal);
        Assert.Contains("merge-now", check.ActionIdentifiers);
        Assert.Empty(harness.GitHub.Merges);

        harness.PullRequestState.Labels = [];
        // The fixtures hold a labeled event; unlabeled has the same shape.
        await harness.DeliverAsync(app, "pull_request.labeled", patch: payload => payload["action"] = "unlabeled");

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal("success", check.Conclusion);
        Assert.Equal(waiting.HeadSha, Assert.Single(harness.GitHub.Merges).Sha);
    }

    [Fact]
    public async Task RacingEventsForAWaitingGate_MergeExactlyOnce()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.Labels.Add("do-not-merge");
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(waiting.HeadSha, "CodegenCICD / merge"));
        harness.PullRequestState.Labels = [];

        await Task.WhenAll(
            harness.DeliverAsync(app, "pull_request.labeled", patch: payload => payload["action"] = "unlabeled"),
            harness.DeliverAsync(app, "pull_request_review.submitted"),
            harness.DeliverAsync(app, "check_run.requested_action", patch: payload =>
            {
                payload["check_run"]!["id"] = check.Id;
                payload["requested_action"] = new JsonObject { ["identifier"] = "merge-now" };
            }));

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Single(harness.GitHub.Merges);
        Assert.Equal(1, harness.GitHub.Requests.Count(r => r.Method == "PUT" && r.PathAndQuery.EndsWith("/pulls/7/merge", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RequiredLabelMissing_Waits_AndMergeNowMergesAnyway()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("needs label", SampleRepository.DefaultConfig.Replace("method: squash", "method: rebase\n  require_label: automerge", StringComparison.Ordinal));
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(waiting.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("lacks the required label `automerge`", check.Summary, StringComparison.Ordinal);

        await harness.DeliverAsync(app, "check_run.requested_action", patch: payload =>
        {
            payload["check_run"]!["id"] = check.Id;
            payload["check_run"]!["external_id"] = check.ExternalId;
            payload["requested_action"] = new JsonObject { ["identifier"] = "merge-now" };
        });

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var merge = Assert.Single(harness.GitHub.Merges);
        Assert.Equal((waiting.HeadSha, "rebase"), (merge.Sha, merge.Method));
    }

    [Fact]
    public async Task GitHubRefusesWith405_TheGateWaitsAndSaysSo()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.GitHub.Overrides.Enqueue(("PUT", $"/repos/{harness.Repository}/pulls/7/merge",
            context => FakeGitHub.Error(405, "Base branch was modified. Review and try the merge again.").ExecuteAsync(context)));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("GitHub refused the merge (405)", check.Summary, StringComparison.Ordinal);
        Assert.Null(run.MergeAttemptSha);
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task HeadMovedBeforeTheMerge_409_LeavesTheMergeToTheNewHeadsRun()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        var pr = harness.PullRequestState;
        var originalHead = pr.HeadSha;
        harness.WebEval.OnEvaluate = request =>
        {
            // Someone pushes while the browser checks run; the webhook has not arrived yet.
            pr.HeadSha = new string('b', 40);
            return new(CodegenCicd.WebEval.WebEvalVerdict.Passed, "ok", "ok", "report.json");
        };

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(originalHead, run.HeadSha);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(originalHead, "CodegenCICD / merge"));
        Assert.Contains("head moved", check.Title, StringComparison.Ordinal);
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task BranchProtectionRequiringAReview_Waits_UntilApproved()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.GitHub.BranchProtections[(harness.Repository, "main")] = JsonNode.Parse("""
            {"url":"x","required_pull_request_reviews":{"url":"x","required_approving_review_count":1},
             "required_status_checks":{"url":"x","strict":false,"contexts":["CodegenCICD / web-eval","CodegenCICD / merge"]}}
            """)!.AsObject();
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(waiting.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("requires 1 approving reviews; it has 0", check.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("web-eval", check.Summary, StringComparison.Ordinal);

        harness.PullRequestState.Reviews.Add(("hubot", "APPROVED"));
        await harness.DeliverAsync(app, "pull_request_review.submitted");

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Single(harness.GitHub.Merges);
    }

    [Fact]
    public async Task BehindABaseThatMustBeUpToDate_TheGateUpdatesTheBranchInsteadOfMerging()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.GitHub.BranchProtections[(harness.Repository, "main")] = JsonNode.Parse("""
            {"url":"x","required_status_checks":{"url":"x","strict":true,"contexts":["CodegenCICD / merge"]}}
            """)!.AsObject();
        harness.PullRequestState.MergeableState = "behind";
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Equal("neutral", check.Conclusion);
        Assert.Equal("Updating the branch with main", check.Title);
        Assert.Contains("requires the branch to be up to date", check.Summary, StringComparison.Ordinal);
        Assert.Equal((harness.Repository, 7, run.HeadSha), Assert.Single(harness.GitHub.BranchUpdates));
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task BehindWithoutTheUpToDateRule_MergesWithoutUpdating()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.GitHub.BranchProtections[(harness.Repository, "main")] = JsonNode.Parse("""
            {"url":"x","required_status_checks":{"url":"x","strict":false,"contexts":[]}}
            """)!.AsObject();
        harness.PullRequestState.MergeableState = "behind";
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(run.HeadSha, Assert.Single(harness.GitHub.Merges).Sha);
        Assert.Empty(harness.GitHub.BranchUpdates);
    }

    [Fact]
    public async Task RequiredCommitStatus_StillPending_Waits_AndTheGateLooksAgainByItselfUntilItPasses()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Pipelines:RequiredChecksRecheckSeconds"] = "1";
        RequirePendingJenkinsStatus(harness);
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(waiting.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("the required check `ci/jenkins` is `pending`", check.Summary, StringComparison.Ordinal);
        Assert.Empty(harness.GitHub.Merges);

        // No event here: only the gate's own re-check can see this.
        harness.GitHub.SetCommitStatus(harness.Repository, waiting.HeadSha, "ci/jenkins", "success");

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(waiting.HeadSha, Assert.Single(harness.GitHub.Merges).Sha);
    }

    [Fact]
    public async Task WaitingGate_ReChecksOnTimeAfterARestart_ItsDueTimeIsInTheDatabase()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Pipelines:RequiredChecksRecheckSeconds"] = "2";
        RequirePendingJenkinsStatus(harness);
        var first = await harness.StartAppAsync();
        await harness.DeliverAsync(first, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(first, RunStatus.Waiting);
        // The process stops (an upgrade, a crash); the job storage and its schedule go with it.
        await first.DisposeAsync();
        PipelineEffect recheck;
        await using (var db = harness.OpenDatabase())
        {
            recheck = await db.Set<PipelineEffect>().AsNoTracking().SingleAsync(e => e.RunId == waiting.Id && e.Kind == EffectKind.RecheckMerge);
        }

        // No event: only the gate's own re-check can see this, on the node that is alive now.
        harness.GitHub.SetCommitStatus(harness.Repository, waiting.HeadSha, "ci/jenkins", "success");
        var second = await harness.StartAppAsync();

        var merged = await PipelineHarness.WaitForSettledRunAsync(second, RunStatus.Succeeded);
        Assert.Equal(waiting.HeadSha, Assert.Single(harness.GitHub.Merges).Sha);
        var gate = merged.Stages.Single(s => s.Kind == StageKind.Merge);
        Assert.Equal(recheck.ForAttempt + 1, gate.Attempt);
        Assert.True(gate.StartedAt >= DateTimeOffset.FromUnixTimeMilliseconds(recheck.DueAt), "the gate looked again before its re-check was due");
        Assert.Empty(merged.Effects);
    }

    [Fact]
    public async Task SettledCommitStatusEvent_WakesTheWaitingGate_WithoutWaitingForItsReCheck()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.Settings["Pipelines:RequiredChecksRecheckSeconds"] = "3600";
        RequirePendingJenkinsStatus(harness);
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);

        harness.GitHub.SetCommitStatus(harness.Repository, waiting.HeadSha, "ci/jenkins", "success");
        await harness.DeliverEventAsync(app, "status", StatusPayload(harness, waiting.HeadSha, "success"));

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Single(harness.GitHub.Merges);
    }

    [Fact]
    public async Task GateThatLooksAgainForTheSameReasons_SendsGitHubNothingNew_AndKeepsOneReCheck()
    {
        await using var harness = await PipelineHarness.StartAsync();
        // Counting attempts and updates: a loaded machine must not turn a slow evaluation into a
        // watchdog takeover (the harness's 5 s lease), which is an attempt and an update of its own.
        harness.Settings["Pipelines:StageLeaseSeconds"] = "120";
        RequirePendingJenkinsStatus(harness);
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(waiting.HeadSha, "CodegenCICD / merge"));
        // The PR comment learns of the wait after the run is saved as waiting: count from there.
        await PipelineHarness.WaitUntilAsync(() => harness.GitHub.Comments.Values.Any(c => c.Body.Contains("**Waiting**", StringComparison.Ordinal)),
            "the PR comment to show the waiting run");
        var updates = check.Updates.Count;
        var commentEdits = CommentEdits(harness);

        // Five unrelated label events: the gate looks again each time and still waits for the same reason.
        for (var i = 0; i < 5; i++)
        {
            await harness.DeliverAsync(app, "pull_request.labeled");
            await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Waiting);
        }

        Assert.Equal(updates, check.Updates.Count);
        Assert.Equal(commentEdits, CommentEdits(harness));
        var merge = (await PipelineHarness.RunsAsync(app)).Single().Stages.Single(s => s.Kind == StageKind.Merge);
        Assert.Equal(6, merge.Attempt);
        // Only the latest evaluation's re-check is live: the older five find a newer attempt and do nothing.
        Assert.Equal(ControlResult.NotApplicable, await ReevaluateAsync(app, waiting.Id, mergeAttempt: 1));
    }

    /// <summary>Branch protection requires the commit status <c>ci/jenkins</c>, which is still pending at the PR's head.</summary>
    private static void RequirePendingJenkinsStatus(PipelineHarness harness)
    {
        harness.GitHub.BranchProtections[(harness.Repository, "main")] = RequiringContexts("ci/jenkins");
        harness.GitHub.SetCommitStatus(harness.Repository, harness.PullRequestState.HeadSha, "ci/jenkins", "pending");
    }

    private static JsonObject RequiringContexts(string context) => JsonNode.Parse($$$"""
        {"url":"x","required_status_checks":{"url":"x","strict":false,"contexts":["{{{context}}}","CodegenCICD / merge"]}}
        """)!.AsObject();

    private static int CommentEdits(PipelineHarness harness) =>
        harness.GitHub.Requests.Count(r => r.Method == "PATCH" && r.PathAndQuery.Contains("/issues/comments/", StringComparison.Ordinal));

    private static async Task<ControlResult> ReevaluateAsync(AppFactory app, long runId, int mergeAttempt)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunControl>().ReevaluateMergeAsync(runId, CancellationToken.None, mergeAttempt);
    }

    /// <summary>A <c>status</c> webhook as GitHub sends it when a CI service posts a commit status.</summary>
    private static JsonObject StatusPayload(PipelineHarness harness, string sha, string state) => new()
    {
        ["id"] = 6805126730,
        ["sha"] = sha,
        ["name"] = harness.Repository,
        ["target_url"] = "https://ci.example.com/build/1",
        ["context"] = "ci/jenkins",
        ["description"] = "Build finished",
        ["state"] = state,
        ["commit"] = new JsonObject { ["sha"] = sha },
        ["branches"] = new JsonArray(),
        ["created_at"] = "2026-11-24T07:00:00Z",
        ["updated_at"] = "2026-11-24T07:00:00Z",
        ["repository"] = new JsonObject { ["full_name"] = harness.Repository, ["name"] = harness.Repository.Split('/')[1] },
        ["installation"] = new JsonObject { ["id"] = PipelineHarness.InstallationId },
    };

    [Fact]
    public async Task UnreadableBranchProtection_IsSaidInTheMergeCheck()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("required reviews and checks were not verified", check.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitHubServerErrorDuringTheGate_IsRetried_AndTheRunStillMerges()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.GitHub.Overrides.Enqueue(("GET", $"/repos/{harness.Repository}/pulls/7",
            context => FakeGitHub.Error(502, "Server Error").ExecuteAsync(context)));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var check = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Equal("success", check.Conclusion);
        Assert.Contains(check.Updates, u => u["output"]?["summary"]?.GetValue<string>().Contains("Retry 1 of 1", StringComparison.Ordinal) == true
            && u["output"]!["summary"]!.GetValue<string>().Contains("502", StringComparison.Ordinal));
        Assert.Equal(2, run.Stages.Single(s => s.Kind == StageKind.Merge).Attempt);
        Assert.Single(harness.GitHub.Merges);
    }
}
