using System.Text.Json;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// A stored delivery as handed to the handlers. Its payload is parsed the first time a handler reads it, once: a
/// handler that can decide from the delivery's headers alone (a repository nobody pinned) costs no parse.
/// </summary>
public sealed class WebhookEvent(
    string deliveryId, string @event, string? action, long? installationId, string? repositoryFullName,
    Func<JsonElement> readPayload)
{
    private readonly Lazy<JsonElement> payload = new(readPayload);

    public WebhookEvent(
        string deliveryId, string @event, string? action, long? installationId, string? repositoryFullName,
        JsonElement payload)
        : this(deliveryId, @event, action, installationId, repositoryFullName, () => payload)
    {
    }

    public string DeliveryId { get; } = deliveryId;

    public string Event { get; } = @event;

    public string? Action { get; } = action;

    public long? InstallationId { get; } = installationId;

    /// <summary>"owner/name" as the delivery's <c>repository.full_name</c> said, when it has one.</summary>
    public string? RepositoryFullName { get; } = repositoryFullName;

    /// <summary>
    /// The raw JSON body; handlers read what they need (or deserialize Octokit.Webhooks models). Read it while
    /// handling the event: the body it is parsed from is lent only for that long.
    /// </summary>
    public JsonElement Payload => payload.Value;
}

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
