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

/// <summary>
/// A handler's quick answer, asked as a delivery arrives: "I would let this one go". When every handler that
/// wants a delivery's event says so, the delivery is stored already processed and never dispatched
/// (<see cref="Intake.DeliveryTriage"/>). The handler asks the same check first, so a redelivery ends the same way.
/// Register it with <c>services.AddWebhookIdleCheck&lt;T&gt;()</c>; it is scoped, like its handler.
/// </summary>
public interface IWebhookIdleCheck
{
    /// <summary>The handler this check answers for.</summary>
    Type Handler { get; }

    /// <summary>
    /// True when <see cref="Handler"/> would do nothing with this delivery. Decide from the delivery's summary
    /// where possible: reading <see cref="WebhookEvent.Payload"/> parses the body on the request's thread.
    /// </summary>
    ValueTask<bool> IsIdleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);
}

public static class WebhookHandlerRegistration
{
    public static IServiceCollection AddWebhookHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWebhookEventHandler =>
        services.AddScoped<IWebhookEventHandler, THandler>();

    /// <summary>Registers an idle check as itself (its handler asks it) and as an <see cref="IWebhookIdleCheck"/>.</summary>
    public static IServiceCollection AddWebhookIdleCheck<TCheck>(this IServiceCollection services)
        where TCheck : class, IWebhookIdleCheck =>
        services.AddScoped<TCheck>().AddScoped<IWebhookIdleCheck>(sp => sp.GetRequiredService<TCheck>());
}
