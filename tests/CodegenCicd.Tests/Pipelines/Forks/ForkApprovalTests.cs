using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Pipelines.Forks;

/// <summary>A fork PR by an outsider waits before any of its code runs, until someone with write access approves it.</summary>
public sealed class ForkApprovalTests
{
    private const string Deploy = "CodegenCICD / deploy";

    [Fact]
    public async Task FirstTimeContributorsFork_RunsNothing_AndTheDeployCheckAsksForApproval()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "FIRST_TIME_CONTRIBUTOR");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval);
        Assert.Empty(harness.Deployments.Deploys);
        Assert.Empty(harness.Deployments.Analyses);
        Assert.Empty(harness.WebEval.Requests);
        var deploy = Assert.Single(harness.GitHub.CheckRunsFor(head, Deploy));
        Assert.Equal(("completed", "action_required"), (deploy.Status, deploy.Conclusion));
        Assert.Equal(["approve"], deploy.ActionIdentifiers);
        Assert.Contains("@stranger is a first-time contributor", deploy.Summary, StringComparison.Ordinal);
        Assert.Contains("none of its code has run", deploy.Summary, StringComparison.Ordinal);
        foreach (var name in new[] { "CodegenCICD / analysis", "CodegenCICD / web-eval", "CodegenCICD / merge" })
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(head, name));
            Assert.Equal("queued", check.Status);
            Assert.Contains("approves it", check.Summary, StringComparison.Ordinal);
        }
        Assert.Contains("waiting for a maintainer to approve", run.StatusReason, StringComparison.Ordinal);
        var page = await (await app.CreateSignedInClientAsync()).GetStringAsync($"/Runs/{run.Id}");
        Assert.Contains("handler=Approve", page, StringComparison.Ordinal);
        Assert.Contains("Approve and run", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovedThroughTheApi_RunsWithTheBaseBranchPages_NoSecrets_NoMerge_AndTheBaseBranchOfTheSameNameSurvives()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "FIRST_TIME_CONTRIBUTOR");
        var app = await harness.StartAppAsync();
        await ForkScenario.AddSecretAsync(app, harness, "DATABASE_PASSWORD", "hunter2-not-for-forks");
        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));
        var waiting = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval);
        var api = app.CreateApiClient();

        var approved = await api.PostAsync($"/api/runs/{waiting.Id}/approve", null);

        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(("api-token", true), (run.ApprovedBy, run.ApprovedAt is not null));
        // The base branch's pages, not the fork's empty list (which its head does carry); no secrets; the deploy check went back to work.
        var github = await new FakeGitHubClients(harness.GitHub).ForInstallationAsync(PipelineHarness.InstallationId, CancellationToken.None);
        var forkFile = await github.Repository.Content.GetAllContentsByRef(harness.Repository.Split('/')[0], harness.Repository.Split('/')[1], ".github/codegen-cicd.yml", head);
        Assert.Contains("pages: []", Assert.Single(forkFile).Content, StringComparison.Ordinal);
        Assert.Equal(["/", "/about"], Assert.Single(harness.WebEval.Requests).Config.Pages);
        Assert.Empty(Assert.Single(harness.Deployments.Deploys).Secrets);
        Assert.Equal("success", Assert.Single(harness.GitHub.CheckRunsFor(head, Deploy)).Conclusion);
        var analysis = Assert.Single(harness.GitHub.CheckRunsFor(head, "CodegenCICD / analysis"));
        Assert.Contains("the pull request's own changes to that file are ignored", analysis.Summary, StringComparison.Ordinal);
        // Not merged although the base's merge.auto is on, and nothing deleted in the base repository.
        Assert.Empty(harness.GitHub.Merges);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(head, "CodegenCICD / merge"));
        Assert.Contains("from a fork: a maintainer merges it (Merge now)", merge.Title, StringComparison.Ordinal);
        Assert.Contains("merge-now", merge.ActionIdentifiers);
        Assert.Empty(harness.GitHub.DeletedRefs);
        var page = await (await app.CreateSignedInClientAsync()).GetStringAsync($"/Runs/{run.Id}");
        Assert.Contains("Approved to run by <strong>api-token</strong>", page, StringComparison.Ordinal);
        var dto = await api.GetFromJsonAsync<JsonElement>($"/api/runs/{run.Id}");
        Assert.Equal("api-token", dto.GetProperty("approvedBy").GetString());

        // Approving again finds nothing to approve, and says why.
        var again = await api.PostAsync($"/api/runs/{run.Id}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already approved by api-token", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproveButtonOnTheCheck_IsIgnoredFromTheForksAuthor_AndStartsTheRunForAMaintainer()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "FIRST_TIME_CONTRIBUTOR");
        harness.GitHub.Permissions[(harness.Repository, "maintainer")] = "write";
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval);
        var deploy = Assert.Single(harness.GitHub.CheckRunsFor(head, Deploy));

        await ForkScenario.PressAsync(harness, app, deploy, "approve", ForkScenario.Author);

        // The handler has finished: an approval would already be saved.
        Assert.Contains(ForkScenario.Author, harness.GitHub.PermissionChecks);
        Assert.Equal(RunStatus.AwaitingApproval, Assert.Single(await PipelineHarness.RunsAsync(app)).Status);
        Assert.Empty(harness.Deployments.Deploys);

        await ForkScenario.PressAsync(harness, app, deploy, "approve", "maintainer");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal("maintainer", run.ApprovedBy);
        Assert.Single(harness.Deployments.Deploys);
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task NewPushToTheFork_AsksForApprovalAgain()
    {
        await using var harness = await PipelineHarness.StartAsync();
        ForkScenario.OpenFrom(harness, "CONTRIBUTOR");
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));
        var first = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval);
        Assert.Equal(HttpStatusCode.Accepted, (await app.CreateApiClient().PostAsync($"/api/runs/{first.Id}/approve", null)).StatusCode);
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);

        harness.PullRequestState.HeadSha = harness.Sample.Commit("fork: second push");
        await harness.DeliverAsync(app, "pull_request.synchronize", patch: ForkScenario.Payload(harness));

        var second = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval, r => r.HeadSha == harness.PullRequestState.HeadSha);
        Assert.Null(second.ApprovedBy);
        Assert.Single(harness.Deployments.Deploys);
        Assert.Equal(["approve"], Assert.Single(harness.GitHub.CheckRunsFor(second.HeadSha, Deploy)).ActionIdentifiers);
    }

    [Fact]
    public async Task ForkRunFromACheckSuite_ConfirmsTheAuthorThroughTheApi_AndWaits()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "FIRST_TIMER");
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "check_suite.requested", patch: payload =>
        {
            var repositoryId = payload["repository"]!["id"]!.GetValue<long>();
            payload["check_suite"]!["pull_requests"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["number"] = harness.PullRequest,
                ["head"] = new System.Text.Json.Nodes.JsonObject { ["ref"] = ForkScenario.SharedBranch, ["sha"] = head, ["repo"] = new System.Text.Json.Nodes.JsonObject { ["id"] = 555_000_111 } },
                ["base"] = new System.Text.Json.Nodes.JsonObject { ["ref"] = "main", ["sha"] = "0000000", ["repo"] = new System.Text.Json.Nodes.JsonObject { ["id"] = repositoryId } },
            });
        });

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval);
        Assert.Equal((ForkScenario.Author, "FIRST_TIMER"), (run.AuthorLogin, run.AuthorAssociation));
        Assert.Empty(harness.Deployments.Deploys);
    }

    [Fact]
    public async Task ReRunningAWaitingForkRun_IsRefused_AndRunsNothing()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "NONE");
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.AwaitingApproval);

        var rerun = await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/rerun", null);
        await harness.DeliverAsync(app, "check_run.rerequested", patch: payload =>
        {
            var deploy = Assert.Single(harness.GitHub.CheckRunsFor(head, Deploy));
            payload["check_run"]!["id"] = deploy.Id;
            payload["check_run"]!["external_id"] = deploy.ExternalId;
        });

        Assert.Equal(HttpStatusCode.Conflict, rerun.StatusCode);
        Assert.Contains("approve it", await rerun.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(RunStatus.AwaitingApproval, Assert.Single(await PipelineHarness.RunsAsync(app)).Status);
        Assert.Empty(harness.Deployments.Deploys);
    }

    [Fact]
    public async Task ApprovingASameRepositoryRun_Returns409WithTheReason()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened");
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);

        var response = await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/approve", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("is not from a fork", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateApiClient().PostAsync("/api/runs/987654/approve", null)).StatusCode);
    }
}
