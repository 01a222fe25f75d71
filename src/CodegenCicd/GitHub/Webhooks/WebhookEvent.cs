using System.Text.Json;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>A stored delivery, parsed once, as handed to the handlers by the delivery job.</summary>
/// <param name="Payload">
/// The raw JSON body; handlers read what they need (or deserialize Octokit.Webhooks models).
/// </param>
public sealed record WebhookEvent(
    string DeliveryId,
    string Event,
    string? Action,
    long? InstallationId,
    string? RepositoryFullName,
    JsonElement Payload);

/// <summary>
/// Features plug into event routing by registering handlers (<c>services.AddWebhookHandler&lt;T&gt;()</c>).
/// The delivery job calls every handler whose <see cref="Events"/> contains the delivery's event
/// name. Handlers run in a job, so they may be slow, but must be safe to run twice for one delivery.
/// </summary>
public interface IWebhookEventHandler
{
    /// <summary>Event names (<c>X-GitHub-Event</c>) this handler wants, e.g. "pull_request".</summary>
    IReadOnlyCollection<string> Events { get; }

    Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);
}

public static class WebhookHandlerRegistration
{
    public static IServiceCollection AddWebhookHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWebhookEventHandler =>
        services.AddScoped<IWebhookEventHandler, THandler>();
}
