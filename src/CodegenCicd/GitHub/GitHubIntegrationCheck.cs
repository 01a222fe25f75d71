using CodegenCicd.Hosting.Integrations;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub;

internal sealed class GitHubIntegrationCheck(IOptions<GitHubOptions> options) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        return ValueTask.FromResult(o.IsAppConfigured
            ? new IntegrationStatus("GitHub App", true, $"App {o.AppId} at {o.ApiUrl}", "")
            : new IntegrationStatus("GitHub App", false, "No GitHub App: webhooks are not accepted yet.",
                "Create the App from /setup, or set GitHub:AppId, GitHub:PrivateKey and GitHub:WebhookSecret."));
    }
}
