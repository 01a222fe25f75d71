using System.Net;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Pipelines.Forks;

/// <summary>The project's <c>forks</c> setting, <c>merge.allow_forks</c>, branch deletion, and same-repository PRs as before.</summary>
public sealed class ForkPolicyTests
{
    [Theory]
    [InlineData(ForkPolicy.Approve, "OWNER", ForkDecision.Run)]
    [InlineData(ForkPolicy.Approve, "MEMBER", ForkDecision.Run)]
    [InlineData(ForkPolicy.Approve, "COLLABORATOR", ForkDecision.Run)]
    [InlineData(ForkPolicy.Approve, "CONTRIBUTOR", ForkDecision.AwaitApproval)]
    [InlineData(ForkPolicy.Approve, "FIRST_TIME_CONTRIBUTOR", ForkDecision.AwaitApproval)]
    [InlineData(ForkPolicy.Approve, null, ForkDecision.AwaitApproval)]
    [InlineData(ForkPolicy.Run, "COLLABORATOR", ForkDecision.Run)]
    [InlineData(ForkPolicy.Run, "CONTRIBUTOR", ForkDecision.Run)]
    [InlineData(ForkPolicy.Run, "FIRST_TIME_CONTRIBUTOR", ForkDecision.AwaitApproval)]
    [InlineData(ForkPolicy.Run, "FIRST_TIMER", ForkDecision.AwaitApproval)]
    [InlineData(ForkPolicy.Run, "NONE", ForkDecision.AwaitApproval)]
    [InlineData(ForkPolicy.Skip, "OWNER", ForkDecision.Skip)]
    public void Policy_DecidesByTheAuthorsAssociation(ForkPolicy policy, string? association, ForkDecision expected) =>
        Assert.Equal(expected, ForkTrust.Decide(policy, association));

    [Fact]
    public async Task CollaboratorsFork_UnderForksRun_RunsAtOnce_WithoutSecrets()
    {
        await using var harness = await PipelineHarness.StartAsync();
        ForkScenario.OpenFrom(harness, "COLLABORATOR");
        var app = await harness.StartAppAsync();
        await ForkScenario.SetPolicyAsync(app, harness, ForkPolicy.Run);
        await ForkScenario.AddSecretAsync(app, harness, "DATABASE_PASSWORD", "hunter2-not-for-forks");

        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Null(run.ApprovedBy);
        Assert.Empty(Assert.Single(harness.Deployments.Deploys).Secrets);
        Assert.Equal(["/", "/about"], Assert.Single(harness.WebEval.Requests).Config.Pages);
        Assert.Empty(harness.GitHub.Merges);
    }

    [Fact]
    public async Task ForksSkip_RunsNothing_AndEveryCheckIsNeutralSayingSo()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "OWNER");
        var app = await harness.StartAppAsync();
        await ForkScenario.SetPolicyAsync(app, harness, ForkPolicy.Skip);

        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Empty(harness.Deployments.Deploys);
        Assert.Empty(harness.Deployments.Analyses);
        Assert.Empty(harness.WebEval.Requests);
        Assert.Empty(harness.GitHub.Merges);
        foreach (var name in new[] { "CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / web-eval", "CodegenCICD / merge" })
        {
            var check = Assert.Single(harness.GitHub.CheckRunsFor(head, name));
            Assert.Equal(("completed", "neutral"), (check.Status, check.Conclusion));
            Assert.Contains("`forks: skip`", check.Summary, StringComparison.Ordinal);
            Assert.Empty(check.ActionIdentifiers);
        }
        // A re-run is no way around the setting.
        var rerun = await app.CreateApiClient().PostAsync($"/api/runs/{run.Id}/rerun", null);
        Assert.Equal(HttpStatusCode.Conflict, rerun.StatusCode);
        Assert.Empty(harness.Deployments.Deploys);
    }

    [Fact]
    public async Task AllowForksOnTheBaseBranch_MergesATrustedFork_ButNeverDeletesABranchOfTheBaseRepository()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "MEMBER",
            baseConfig: SampleRepository.DefaultConfig.Replace("delete_branch: true", "delete_branch: true\n  allow_forks: true", StringComparison.Ordinal));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(head, Assert.Single(harness.GitHub.Merges).Sha);
        Assert.Empty(harness.GitHub.DeletedRefs);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(head, "CodegenCICD / merge"));
        Assert.Contains("`release` lives in the fork, so it was not deleted", merge.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MergeNowOnAForkPullRequest_MergesOnlyForSomeoneWithWriteAccess_AndDeletesNoBranch()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "OWNER");
        harness.GitHub.Permissions[(harness.Repository, "maintainer")] = "maintain";
        var app = await harness.StartAppAsync();
        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));
        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(head, "CodegenCICD / merge"));

        await ForkScenario.PressAsync(harness, app, merge, "merge-now", ForkScenario.Author);

        Assert.Contains(ForkScenario.Author, harness.GitHub.PermissionChecks);
        Assert.Null(Assert.Single(await PipelineHarness.RunsAsync(app)).MergedSha);

        await ForkScenario.PressAsync(harness, app, merge, "merge-now", "maintainer");

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded, r => r.MergedSha is not null);
        Assert.Equal(head, Assert.Single(harness.GitHub.Merges).Sha);
        Assert.Empty(harness.GitHub.DeletedRefs);
        Assert.Contains("lives in the fork, so it was not deleted", merge.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowForksInTheForksOwnFile_IsIgnored()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var head = ForkScenario.OpenFrom(harness, "OWNER",
            headConfig: SampleRepository.DefaultConfig.Replace("delete_branch: true", "delete_branch: true\n  allow_forks: true", StringComparison.Ordinal));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened", patch: ForkScenario.Payload(harness));

        await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Empty(harness.GitHub.Merges);
        Assert.Contains("a maintainer merges it", Assert.Single(harness.GitHub.CheckRunsFor(head, "CodegenCICD / merge")).Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameRepositoryPullRequest_RunsAtOnce_MergesAndDeletesItsBranch_WhateverItsAuthor()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.AuthorAssociation = "FIRST_TIME_CONTRIBUTOR";
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened", patch: payload => payload["pull_request"]!["author_association"] = "FIRST_TIME_CONTRIBUTOR");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.False(run.FromFork);
        Assert.Null(run.ApprovedBy);
        Assert.Single(harness.GitHub.Merges);
        Assert.Contains($"{harness.Repository} heads/feature/greeting", harness.GitHub.DeletedRefs);
    }
}
