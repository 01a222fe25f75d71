namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>
/// Decides, as a delivery arrives, whether any handler has work in it. A delivery that no handler wants, or that
/// every handler wanting it would let go (each says so through its <see cref="IWebhookIdleCheck"/>), is stored
/// already processed: it is never claimed, read back or decompressed. Most deliveries of an App installed on a whole
/// organisation are new pull-request heads in repositories nobody pinned; dispatching each one cost a claim, a read,
/// a run and a second write, about a third of the app's CPU per delivery under load. Stored all the same, so it is
/// listed, and "Redeliver" runs it through the handlers like any other.
/// </summary>
public sealed partial class DeliveryTriage(
    WebhookHandlerEvents handlers, IEnumerable<IWebhookIdleCheck> checks, ILogger<DeliveryTriage> logger)
{
    /// <summary>
    /// True when no handler would do anything with the delivery. Anything that fails on the way (a check, or building a
    /// handler to learn its events) counts as "it has work": the delivery is dispatched as usual, and nothing is lost.
    /// </summary>
    public async ValueTask<bool> NothingToRunAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var handler in handlers.For(webhookEvent.Event))
            {
                if (checks.FirstOrDefault(c => c.Handler == handler) is not { } check
                    || !await check.IsIdleAsync(webhookEvent, cancellationToken))
                {
                    return false;
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCheckFailed(logger, ex, webhookEvent.DeliveryId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not tell whether delivery {DeliveryId} has work in it; it is dispatched to its handlers as usual")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string deliveryId);
}

/// <summary>
/// Which handler types want which events, read once from the handlers themselves (each names its own
/// <see cref="IWebhookEventHandler.Events"/>), so that intake need not build every handler for every delivery.
/// </summary>
public sealed class WebhookHandlerEvents(IServiceScopeFactory scopes)
{
    // PublicationOnly: a handler that cannot be built yet (say, a setting still missing) is tried again next time.
    private readonly Lazy<ILookup<string, Type>> byEvent = new(() =>
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetServices<IWebhookEventHandler>()
            .SelectMany(handler => handler.Events.Select(e => (Event: e, Type: handler.GetType())))
            .ToLookup(h => h.Event, h => h.Type, StringComparer.Ordinal);
    }, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>The handler types that want <paramref name="event"/>; none for an event nobody handles.</summary>
    public IEnumerable<Type> For(string @event) => byEvent.Value[@event];
}
