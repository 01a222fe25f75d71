using System.Text.Json;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Triggers;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>What a PR's head must not control: the project's secrets (fork PRs) and its own merge policy.</summary>
public sealed class UntrustedHeadTests
{
    private const string HeadOnlyConfig = """
        deploy:
          setup: ["npm ci"]
          start: "node server.js"
        analysis:
          commands: ["node --check server.js"]
        merge:
          auto: true
          method: squash
        """;

    [Fact]
    public async Task PullRequestFromAFork_DeploysWithoutTheProjectSecrets_AndSaysWhyInTheChecks()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await AddSecretAsync(app, harness.Repository, "DATABASE_PASSWORD", "hunter2-fork-must-not-see");

        await harness.DeliverAsync(app, "pull_request.opened", patch: payload =>
        {
            var headRepo = payload["pull_request"]!["head"]!["repo"]!.AsObject();
            headRepo["id"] = 555_000_111;
            headRepo["full_name"] = "mallory/sample-fork";
        });

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.True(run.FromFork);
        Assert.Empty(Assert.Single(harness.Deployments.Deploys).Secrets);
        foreach (var name in new[] { "CodegenCICD / deploy", "CodegenCICD / analysis" })
        {
            Assert.Contains("secrets are not given to pull requests from forks",
                Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, name)).Summary, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task PullRequestFromTheSameRepository_DeploysWithTheProjectSecrets()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        await AddSecretAsync(app, harness.Repository, "DATABASE_PASSWORD", "hunter2-same-repo");

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.False(run.FromFork);
        Assert.Equal("hunter2-same-repo", Assert.Single(harness.Deployments.Deploys).Secrets["DATABASE_PASSWORD"]);
        Assert.DoesNotContain("forks", Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / deploy")).Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"head":{"repo":{"id":1}},"base":{"repo":{"id":1}}}""", false)]
    [InlineData("""{"head":{"repo":{"id":2}},"base":{"repo":{"id":1}}}""", true)]
    [InlineData("""{"head":{"repo":null},"base":{"repo":{"id":1}}}""", true)]
    public void ForkDetection_ComparesHeadAndBaseRepositories_AndTreatsADeletedHeadRepositoryAsAFork(string pullRequest, bool fromFork) =>
        Assert.Equal(fromFork, PullRequestRef.IsFromFork(JsonDocument.Parse(pullRequest).RootElement));

    [Fact]
    public async Task HeadThatTurnsOnAutoMerge_IsNotMerged_WhenTheBaseBranchHasNoSuchSetting()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("enable my own auto-merge", HeadOnlyConfig);
        harness.Sample.SetBranch("stable", config: null);
        harness.PullRequestState.BaseRef = "stable";
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("Auto-merge is off", merge.Summary, StringComparison.Ordinal);
        Assert.Empty(harness.GitHub.Merges);
        // The head still decides what it deploys.
        Assert.Equal("node server.js", CodegenCicd.Pipelines.Stages.StageContextFactory.ReadConfig(run).Deploy.Start);
        Assert.Single(harness.Deployments.Deploys);
    }

    [Fact]
    public async Task AutoMergeSetOnTheBaseBranch_Merges_EvenWhenTheHeadTurnsItOff()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("try to opt out", HeadOnlyConfig.Replace("auto: true", "auto: false", StringComparison.Ordinal));
        harness.Sample.SetBranch("stable", HeadOnlyConfig.Replace("method: squash", "method: rebase", StringComparison.Ordinal));
        harness.PullRequestState.BaseRef = "stable";
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var merge = Assert.Single(harness.GitHub.Merges);
        Assert.Equal((run.HeadSha, "rebase"), (merge.Sha, merge.Method));
    }

    [Fact]
    public async Task InvalidConfigOnTheBaseBranch_IsReportedInTheAnalysisCheck_AndMergingFollowsTheProjectSettings()
    {
        await using var harness = await PipelineHarness.StartAsync();
        harness.PullRequestState.HeadSha = harness.Sample.Commit("valid head", HeadOnlyConfig);
        harness.Sample.SetBranch("stable", "merge:\n  auto: true\n  method: fast-forward\n");
        harness.PullRequestState.BaseRef = "stable";
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        // The PR did not break the base file: its run still passes, but nothing it says about merging is trusted.
        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        var analysis = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / analysis"));
        Assert.Equal("success", analysis.Conclusion);
        Assert.Contains("`.github/codegen-cicd.yml` on `stable` is invalid", analysis.Summary, StringComparison.Ordinal);
        Assert.Contains("line 3: merge.method must be merge, squash or rebase", analysis.Summary, StringComparison.Ordinal);
        var merge = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / merge"));
        Assert.Contains("Auto-merge is off", merge.Summary, StringComparison.Ordinal);
        Assert.Empty(harness.GitHub.Merges);
        var page = await (await app.CreateSignedInClientAsync()).GetStringAsync($"/Runs/{run.Id}");
        Assert.Contains("on <code>stable</code> is invalid", page, StringComparison.Ordinal);
    }

    private static async Task AddSecretAsync(AppFactory app, string repository, string name, string value)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var project = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Project>().SingleAsync(p => p.FullName == repository);
        await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().SetAsync(project.Id, name, value, CancellationToken.None);
    }
}
