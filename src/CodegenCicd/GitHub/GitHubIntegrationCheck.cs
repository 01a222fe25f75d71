using CodegenCicd.GitHub.Credentials;
using CodegenCicd.Hosting.Integrations;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub;

/// <summary>Reports the App in effect, whether it came from configuration or from /setup.</summary>
internal sealed class GitHubIntegrationCheck(AppCredentialsProvider credentials, IOptions<GitHubOptions> options)
    : IIntegrationCheck
{
    private const string Name = "GitHub App";
    private const string HowTo =
        "Create the App from /setup, or set GitHub:AppId, GitHub:PrivateKey and GitHub:WebhookSecret.";

    public async ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var current = await credentials.GetAsync(cancellationToken);
        var apiUrl = options.Value.ApiUrl;
        return current switch
        {
            { CanAuthenticateAsApp: true } c => new IntegrationStatus(Name, true,
                $"App {c.Slug ?? c.AppId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} "
                + $"at {apiUrl} "
                + $"(from {(c.Source == CredentialSource.Database ? "/setup" : "configuration")})", ""),
            { WebhookSecret: not null } => new IntegrationStatus(Name, false,
                "Only a webhook secret is configured: deliveries (and the receive command) work, "
                + "GitHub API calls do not.", HowTo),
            _ => new IntegrationStatus(Name, false, "No GitHub App: webhooks are not accepted yet.", HowTo),
        };
    }
}
