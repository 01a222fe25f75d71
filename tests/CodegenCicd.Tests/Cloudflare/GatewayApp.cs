using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cloudflare;

/// <summary>The real app wired to a fake GitHub and a fake Cloudflare API, in the given gateway mode.</summary>
public static class GatewayApp
{
    public static GitHubAppFactory Create(Infrastructure.FakeGitHub.FakeGitHub github, FakeCloudflare cloudflare, string mode = "push", string? token = null)
    {
        var factory = new GitHubAppFactory(github);
        factory.Settings["Cloudflare:ApiToken"] = token ?? cloudflare.Token;
        factory.Settings["Cloudflare:AccountId"] = cloudflare.AccountId;
        factory.Settings["Cloudflare:ApiUrl"] = cloudflare.ApiUrl.ToString();
        factory.Settings["Cloudflare:Mode"] = mode;
        factory.Settings["Cloudflare:OriginUrl"] = "https://cicd.example.com/api/github/webhooks";
        factory.Settings["MissedDeliveries:Enabled"] = "false";
        return factory;
    }

    public static async Task<T> RunAsync<T>(this GitHubAppFactory factory, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }
}
