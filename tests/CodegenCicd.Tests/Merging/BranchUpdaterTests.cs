using CodegenCicd.Merging;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using FakeGitHub = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;
using Octokit;

namespace CodegenCicd.Tests.Merging;

/// <summary>
/// The update-branch call against the fake GitHub, for the answers the end-to-end gate tests do not
/// reach: a head that moved between the gate's read and the update, and a branch GitHub cannot update.
/// </summary>
public sealed class BranchUpdaterTests : IAsyncLifetime
{
    private const string Repository = "octo-org/hello-world";
    private FakeGitHub github = null!;

    public async Task InitializeAsync() => github = await FakeGitHub.StartAsync();

    public async Task DisposeAsync() => await github.DisposeAsync();

    [Fact]
    public async Task HeadThatMovedFirst_IsNotUpdated_AndTheOutcomeSaysTheNewHeadDecides()
    {
        github.AddPullRequest(Repository, 7, headSha: new string('b', 40)).MergeableState = "behind";

        var outcome = await BranchUpdater.UpdateAsync(Client(), Run(headSha: new string('a', 40)), "main");

        Assert.Equal(StageConclusion.Neutral, outcome.Conclusion);
        Assert.Equal("Not merged: the head moved", outcome.Title);
        Assert.False(outcome.Waiting);
        Assert.Empty(github.BranchUpdates);
        var request = Assert.Single(github.Requests, r => r.PathAndQuery.EndsWith("/update-branch", StringComparison.Ordinal));
        Assert.Contains($"\"expected_head_sha\":\"{new string('a', 40)}\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BranchGitHubCannotUpdate_Waits_WithGitHubsReason()
    {
        var sha = new string('c', 40);
        github.AddPullRequest(Repository, 7, sha).MergeableState = "dirty";

        var outcome = await BranchUpdater.UpdateAsync(Client(), Run(sha), "main");

        Assert.True(outcome.Waiting);
        Assert.Equal("Waiting: the branch cannot be updated with main", outcome.Title);
        Assert.Contains("merge conflict between base and head", outcome.Summary, StringComparison.Ordinal);
        Assert.Empty(github.BranchUpdates);
    }

    [Fact]
    public async Task BehindWithStrictChecks_MustUpdate_OtherwiseNot()
    {
        var strict = Protection("""{"required_status_checks":{"strict":true,"contexts":[]}}""");
        var loose = Protection("""{"required_status_checks":{"strict":false,"contexts":[]}}""");

        Assert.True(BranchUpdater.MustUpdate(Facts("behind", strict)));
        Assert.False(BranchUpdater.MustUpdate(Facts("behind", loose)));
        Assert.False(BranchUpdater.MustUpdate(Facts("clean", strict)));
        Assert.False(BranchUpdater.MustUpdate(Facts("behind", null)));
    }

    private IGitHubClient Client() =>
        new GitHubClient(new Connection(new ProductHeaderValue("codegencicd-tests"), github.BaseUrl,
            new Octokit.Internal.InMemoryCredentialStore(
                new Credentials(github.IssueInstallationToken(1).Token, AuthenticationType.Bearer))));

    private static PipelineRun Run(string headSha) => new()
    {
        Repository = Repository,
        PullRequest = 7,
        HeadSha = headSha,
        CloneUrl = $"https://github.com/{Repository}.git",
        Trigger = "pull_request.opened",
    };

    /// <summary>As Octokit reads GitHub's answer, so the test sees the same object the gate does.</summary>
    private static BranchProtectionSettings Protection(string json) =>
        new Octokit.Internal.SimpleJsonSerializer().Deserialize<BranchProtectionSettings>(json);

    private static MergeFacts Facts(string mergeableState, BranchProtectionSettings? protection) =>
        new(false, [], true, mergeableState, protection, null, 0, false, new Dictionary<string, string>());
}
