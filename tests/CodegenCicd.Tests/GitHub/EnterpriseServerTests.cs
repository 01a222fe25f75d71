using CodegenCicd.GitHub;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using FakeGitHubServer = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;

namespace CodegenCicd.Tests.GitHub;

public sealed class EnterpriseServerTests
{
    [Fact]
    public async Task ApiUrlWithEnterprisePrefix_IsKept_ForAppAndOctokitCalls()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.AddInstallation(106, "acme", "Organization", new Infrastructure.FakeGitHub.FakeRepository(9, "acme/ghes"));
        // GitHub Enterprise Server serves the REST API under /api/v3; the fake answers those paths through overrides.
        var (token, expiresAt) = github.IssueInstallationToken(106);
        github.Overrides.Enqueue(("POST", "/api/v3/app/installations/106/access_tokens", async context =>
        {
            Assert.Null(await github.ValidateAppJwtAsync(context.Request.Headers.Authorization.ToString()));
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new { token, expires_at = expiresAt });
        }));
        github.Overrides.Enqueue(("GET", "/api/v3/installation/repositories", context =>
            context.Response.WriteAsJsonAsync(new { total_count = 1, repositories = new[] { new { id = 9, full_name = "acme/ghes", name = "ghes", @private = false } } })));
        await using var factory = new GitHubAppFactory(github);
        factory.Settings["GitHub:ApiUrl"] = new Uri(github.BaseUrl, "api/v3").ToString();

        var client = await factory.Services.GetRequiredService<IGitHubAppClients>().ForInstallationAsync(106, CancellationToken.None);
        var repositories = await client.GitHubApps.Installation.GetAllRepositoriesForCurrent();

        Assert.Equal("acme/ghes", Assert.Single(repositories.Repositories).FullName);
        Assert.Contains(github.Requests, r => r.PathAndQuery.StartsWith("/api/v3/installation/repositories", StringComparison.Ordinal)
            && r.Authorization == "Bearer " + token);
    }
}
