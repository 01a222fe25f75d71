using CodegenCicd.GitHub;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Checkout;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Octokit;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class GitCheckoutTests : IDisposable
{
    private const string Token = "ghs_installationTokenForTests0123456789";
    private readonly SandboxTestKit kit = new();
    private readonly GitFixture repo = new();
    private readonly FakeInstallationTokens tokens = new(Token);

    private GitCheckout Checkout(GitHubOptions github) =>
        new(kit.Paths, Options.Create(github), new ServiceCollection().AddSingleton<IGitHubAppClients>(tokens).BuildServiceProvider());

    private async Task<(FakeGitServer Server, Uri CloneUrl)> ServeAsync()
    {
        var projects = Path.Combine(kit.Root, "served");
        Directory.CreateDirectory(Path.Combine(projects, "owner"));
        File.CreateSymbolicLink(Path.Combine(projects, "owner", "repo.git"), Path.Combine(repo.Folder, ".git"));
        var server = await FakeGitServer.StartAsync(projects, Token);
        return (server, new Uri(server.BaseUrl, "owner/repo.git"));
    }

    [Fact]
    public async Task PrivateRepository_IsFetchedWithTheInstallationTokenInAHeader_NeverInTheUrl()
    {
        var (server, cloneUrl) = await ServeAsync();
        await using var _ = server;
        var checkout = Checkout(new GitHubOptions { WebUrl = server.BaseUrl });

        await using var fetched = await checkout.FetchAsync(new SandboxSource(1, "owner/repo", 1, repo.HeadSha, cloneUrl, 99, new Dictionary<string, string>()), default);

        Assert.Contains("server.js", fetched.TrackedFiles);
        Assert.True(File.Exists(Path.Combine(fetched.Tree, "package-lock.json")));
        Assert.False(Directory.Exists(Path.Combine(fetched.Tree, ".git")));
        Assert.Equal([99L], tokens.Requested);
        Assert.NotEmpty(server.Requests);
        Assert.All(server.Requests, r => Assert.DoesNotContain(Token, r.PathAndQuery, StringComparison.Ordinal));
        Assert.All(server.Requests, r => Assert.Equal("Basic " + Convert.ToBase64String("x-access-token:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(Token)).ToArray()), r.Authorization));
    }

    [Fact]
    public async Task EnterpriseHost_FromGitHubApiUrl_GetsTheToken()
    {
        var (server, cloneUrl) = await ServeAsync();
        await using var _ = server;
        var checkout = Checkout(new GitHubOptions { ApiUrl = new Uri(server.BaseUrl, "api/v3/") });

        await using var fetched = await checkout.FetchAsync(new SandboxSource(1, "owner/repo", 1, repo.HeadSha, cloneUrl, 7, new Dictionary<string, string>()), default);

        Assert.Contains("server.js", fetched.TrackedFiles);
    }

    [Fact]
    public async Task ACloneUrlOnAnotherHost_NeverReceivesTheToken()
    {
        var (server, cloneUrl) = await ServeAsync();
        await using var _ = server;
        var checkout = Checkout(new GitHubOptions());

        var error = await Assert.ThrowsAsync<CheckoutFailedException>(() =>
            checkout.FetchAsync(new SandboxSource(1, "owner/repo", 1, repo.HeadSha, cloneUrl, 7, new Dictionary<string, string>()), default));

        Assert.Contains("not the configured GitHub host", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Empty(tokens.Requested);
    }

    [Fact]
    public async Task MissingCommit_FailsWithAClearMessage_ThatNeverShowsTheToken()
    {
        var (server, cloneUrl) = await ServeAsync();
        await using var _ = server;
        var checkout = Checkout(new GitHubOptions { WebUrl = server.BaseUrl });

        var error = await Assert.ThrowsAsync<CheckoutFailedException>(() =>
            checkout.FetchAsync(new SandboxSource(1, "owner/repo", 1, new string('b', 40), cloneUrl, 7, new Dictionary<string, string>()), default));

        Assert.Contains("could not fetch owner/repo@bbbbbbbbbbbb", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(kit.Paths.Checkouts));
    }

    [Fact]
    public async Task NotAFullSha_IsRefused()
    {
        var checkout = Checkout(new GitHubOptions());

        await Assert.ThrowsAsync<ArgumentException>(() =>
            checkout.FetchAsync(new SandboxSource(1, "owner/repo", 1, "main; rm -rf /", repo.CloneUrl, null, new Dictionary<string, string>()), default));
    }

    public void Dispose()
    {
        repo.Dispose();
        kit.Dispose();
    }

    private sealed class FakeInstallationTokens(string token) : IGitHubAppClients
    {
        public List<long> Requested { get; } = [];

        public Task<IGitHubClient> ForInstallationAsync(long installationId, CancellationToken cancellationToken) =>
            throw new NotSupportedException("checkout only needs the token");

        public Task<string> GetInstallationTokenAsync(long installationId, CancellationToken cancellationToken)
        {
            Requested.Add(installationId);
            return Task.FromResult(token);
        }
    }
}
