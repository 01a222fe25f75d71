using System.Text.Json;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// Typed access to a delivery's payload for handlers: Octokit.Webhooks' event models
/// (e.g. <c>Octokit.Webhooks.Events.PullRequest.PullRequestOpenedEvent</c>, <c>CheckRunEvent</c>) or
/// a handler's own record. Event names are Octokit.Webhooks' <c>WebhookEventType</c> constants.
/// </summary>
public static class WebhookEventPayloads
{
    public static T Deserialize<T>(this WebhookEvent webhookEvent) where T : class =>
        webhookEvent.Payload.Deserialize<T>()
        ?? throw new JsonException($"Delivery {webhookEvent.DeliveryId}: the {webhookEvent.Event} payload is empty");
}
