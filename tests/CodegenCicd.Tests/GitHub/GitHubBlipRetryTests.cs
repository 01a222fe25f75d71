using CodegenCicd.GitHub;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using Microsoft.Extensions.DependencyInjection;
using Octokit;
using FakeGitHubServer = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// The app's own GitHub clients (Octokit and the App API) against a GitHub that answers 502 a few times:
/// reads and writes marked safe are sent again in-process; a comment is never sent twice.
/// </summary>
public sealed class GitHubBlipRetryTests
{
    [Fact]
    public async Task BadGatewaysOnARead_AreRetriedInProcess_UntilGitHubAnswers()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(201, "acme", "Organization", new FakeRepository(1, "acme/web"));
        var blips = github.FailNext("GET", "/installation/repositories", times: 3);
        await using var factory = Factory(github);
        var client = await Clients(factory).ForInstallationAsync(201, CancellationToken.None);

        var repositories = await client.GitHubApps.Installation.GetAllRepositoriesForCurrent();

        Assert.Equal(["acme/web"], repositories.Repositories.Select(r => r.FullName));
        Assert.Equal(0, blips.Remaining);
        Assert.Equal(4, github.Requests.Count(r =>
            r.PathAndQuery.StartsWith("/installation/repositories", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BadGatewayOnAnInstallationToken_IsRetried_TheTokenIsSafeToAskForAgain()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(202, "acme");
        github.FailNext("POST", "/app/installations/202/access_tokens", times: 2, afterCarryingOut: true);
        await using var factory = Factory(github);

        var token = await Clients(factory).GetInstallationTokenAsync(202, CancellationToken.None);

        Assert.True(github.TryAuthenticateInstallation("Bearer " + token, out _));
        Assert.Equal(3, github.Requests.Count(r => r.PathAndQuery == "/app/installations/202/access_tokens"));
    }

    [Fact]
    public async Task BadGatewayOnACommentThatGitHubPosted_IsNotSentAgain()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(203, "acme", "Organization", new FakeRepository(1, "acme/web"));
        github.FailNext("POST", "/repos/acme/web/issues/5/comments", times: 1, afterCarryingOut: true);
        await using var factory = Factory(github);
        var client = await Clients(factory).ForInstallationAsync(203, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ApiException>(() =>
            client.Issue.Comment.Create("acme", "web", 5, "Preview ready"));

        Assert.Equal(502, (int)error.StatusCode);
        Assert.Single(github.Comments.Values);
        Assert.Single(github.Requests, r =>
            r.Method == "POST" && r.PathAndQuery == "/repos/acme/web/issues/5/comments");
    }

    private static IGitHubAppClients Clients(GitHubAppFactory factory) =>
        factory.Services.GetRequiredService<IGitHubAppClients>();

    private static GitHubAppFactory Factory(FakeGitHubServer github)
    {
        var factory = new GitHubAppFactory(github);
        factory.Settings["GitHub:TransientRetryDelaySeconds"] = "0";
        return factory;
    }
}
