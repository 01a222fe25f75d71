using System.Text.Json;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Webhooks;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>A closed (or merged) pull request's preview is torn down at once, not left to the TTL sweeper.</summary>
internal sealed class PreviewTeardownOnClose(IPreviewDeployments deployments, IGitHubAppClients clients, ILogger<PreviewTeardownOnClose> logger)
    : IWebhookEventHandler
{
    public IReadOnlyCollection<string> Events { get; } = ["pull_request"];

    public async Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        if (webhookEvent.Action != "closed" || webhookEvent.RepositoryFullName is not { } repository
            || !webhookEvent.Payload.TryGetProperty("number", out var number) || number.ValueKind != JsonValueKind.Number)
        {
            return;
        }
        var merged = webhookEvent.Payload.TryGetProperty("pull_request", out var pr) && pr.TryGetProperty("merged", out var flag)
            && flag.ValueKind == JsonValueKind.True;
        if (await PullRequestReopenCheck.ReopenedSinceCloseAsync(clients, webhookEvent.InstallationId, repository, number.GetInt32(), merged, logger))
        {
            return;
        }
        await deployments.TeardownAsync(repository, number.GetInt32(), cancellationToken);
    }
}
