using System.Diagnostics;
using System.Net;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Credentials;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using FakeGitHubServer = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;

namespace CodegenCicd.Tests.GitHub;

public sealed class AppAuthenticationTests
{
    [Fact]
    public async Task AppJwt_VerifiesAgainstThePublicKey_WithGitHubsClaims()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        var before = DateTimeOffset.UtcNow;
        var jwt = new AppJwtFactory(TimeProvider.System)
            .Create(new AppCredentials(github.AppId, github.PrivateKeyPem, "secret", CredentialSource.Configuration));

        Assert.Null(await github.ValidateAppJwtAsync("Bearer " + jwt));
        var token = new JsonWebToken(jwt);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(github.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture), token.Issuer);
        // Backdated a minute for GitHub's clock, in whole seconds; bounded by clocks read around it, not by speed.
        Assert.InRange(token.IssuedAt, before.AddSeconds(-61).UtcDateTime, now.AddSeconds(-59).UtcDateTime);
        Assert.True(token.ValidTo - token.IssuedAt <= TimeSpan.FromMinutes(10));
        Assert.True(token.ValidTo > now.UtcDateTime.AddMinutes(5), "the token should stay usable for several minutes");
    }

    [Fact]
    public async Task AppJwt_SignedWithAnotherKey_IsRejectedByGitHub()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var jwt = new AppJwtFactory(TimeProvider.System)
            .Create(new AppCredentials(github.AppId, otherKey.ExportRSAPrivateKeyPem(), "secret", CredentialSource.Configuration));

        Assert.NotNull(await github.ValidateAppJwtAsync("Bearer " + jwt));
    }

    [Fact]
    public async Task InstallationToken_IsCached_AndFetchedOnceUnderConcurrency()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(101, "acme");
        await using var factory = new GitHubAppFactory(github);
        var clients = factory.Services.GetRequiredService<IGitHubAppClients>();

        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => clients.GetInstallationTokenAsync(101, CancellationToken.None)));
        var again = await clients.GetInstallationTokenAsync(101, CancellationToken.None);

        Assert.Single(tokens.Append(again).Distinct());
        Assert.Equal(1, github.AccessTokenRequests);
        Assert.True(github.TryAuthenticateInstallation("token " + again, out var installation));
        Assert.Equal(101, installation);
    }

    [Fact]
    public async Task InstallationToken_IsRefreshed_FiveMinutesBeforeItExpires()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(102, "acme");
        github.TokenLifetime = TimeSpan.FromMinutes(10);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var factory = new GitHubAppFactory(github);
        // Only the token cache's view of time moves; JWTs keep real time, or GitHub would refuse them.
        var clients = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s
                .AddSingleton<TimeProvider>(clock)
                .AddSingleton(new AppJwtFactory(TimeProvider.System))))
            .Services.GetRequiredService<IGitHubAppClients>();

        var first = await clients.GetInstallationTokenAsync(102, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(4));
        var stillCached = await clients.GetInstallationTokenAsync(102, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1.5));
        var refreshed = await clients.GetInstallationTokenAsync(102, CancellationToken.None);

        Assert.Equal(first, stillCached);
        Assert.NotEqual(first, refreshed);
        Assert.Equal(2, github.AccessTokenRequests);
    }

    [Fact]
    public async Task SecondaryRateLimit_WithRetryAfter_IsWaitedOutAndRetried()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(103, "acme");
        github.Overrides.Enqueue(("POST", "/app/installations/103/access_tokens", async context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(new { message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." });
        }));
        await using var factory = new GitHubAppFactory(github);
        var clients = factory.Services.GetRequiredService<IGitHubAppClients>();

        var watch = Stopwatch.StartNew();
        var token = await clients.GetInstallationTokenAsync(103, CancellationToken.None);

        Assert.True(github.TryAuthenticateInstallation("Bearer " + token, out _));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {watch.Elapsed}, before retry-after");
        Assert.Equal(2, github.Requests.Count(r => r.PathAndQuery == "/app/installations/103/access_tokens"));
    }

    [Fact]
    public async Task OctokitClient_UsesTheApiUrlAndInstallationToken_AndWaitsOutA429()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(104, "acme", "Organization",
            new(1, "acme/web", Private: true, DefaultBranch: "trunk"), new(2, "acme/api"));
        github.Overrides.Enqueue(("GET", "/installation/repositories", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        }));
        await using var factory = new GitHubAppFactory(github);
        var client = await factory.Services.GetRequiredService<IGitHubAppClients>().ForInstallationAsync(104, CancellationToken.None);

        var repositories = await client.GitHubApps.Installation.GetAllRepositoriesForCurrent();

        Assert.Equal(["acme/api", "acme/web"], repositories.Repositories.Select(r => r.FullName).Order());
        Assert.Equal(2, github.Requests.Count(r => r.PathAndQuery.StartsWith("/installation/repositories", StringComparison.Ordinal)));
        Assert.StartsWith("Bearer ghs_", github.Requests.Last().Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainForbidden_IsNotRetried()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(105, "acme");
        github.Overrides.Enqueue(("POST", "/app/installations/105/access_tokens", context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsJsonAsync(new { message = "Resource not accessible by integration" });
        }));
        await using var factory = new GitHubAppFactory(github);
        var clients = factory.Services.GetRequiredService<IGitHubAppClients>();

        var error = await Assert.ThrowsAsync<CodegenCicd.GitHub.Api.GitHubApiException>(() => clients.GetInstallationTokenAsync(105, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("Resource not accessible", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, github.Requests.Count(r => r.PathAndQuery == "/app/installations/105/access_tokens"));
    }
}

/// <summary>A clock the test moves by hand (only the app's view of time; the fake keeps real time).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public void Advance(TimeSpan by) => now += by;

    public override DateTimeOffset GetUtcNow() => now;
}
