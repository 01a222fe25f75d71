using System.Diagnostics;
using System.Text.Json;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// Routes one stored delivery to the handlers registered for its event. Safe to run twice: a
/// processed delivery is skipped, and a compare-and-set on (status, attempts) lets only one worker
/// claim it. A failure is recorded on the row and rethrown so Hangfire retries with back-off.
/// </summary>
[AutomaticRetry(Attempts = 5)]
public sealed partial class WebhookDeliveryJob(
    AppDbContext db, IEnumerable<IWebhookEventHandler> handlers, DeliveryWriteGate gate, TimeProvider time, LiveEvents live, ILogger<WebhookDeliveryJob> logger)
{
    /// <summary>A claim older than this is taken as abandoned (the worker died) and may be claimed again.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(15);

    private const int MaxErrorLength = 4000;

    public async Task RunAsync(long id, CancellationToken cancellationToken)
    {
        var delivery = await db.Set<WebhookDelivery>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null || !await TryClaimAsync(delivery, cancellationToken))
        {
            return;
        }
        // Deserialized rather than JsonDocument.Parse: the element owns its memory, so a handler may keep it.
        var webhookEvent = new WebhookEvent(delivery.DeliveryId, delivery.Event, delivery.Action, delivery.InstallationId,
            delivery.RepositoryFullName, JsonSerializer.Deserialize<JsonElement>(delivery.Payload));
        var matching = handlers.Where(h => h.Events.Contains(delivery.Event, StringComparer.Ordinal)).ToList();
        var watch = Stopwatch.StartNew();
        try
        {
            foreach (var handler in matching)
            {
                await handler.HandleAsync(webhookEvent, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The innermost message says what went wrong (EF's own only says "see the inner exception").
            var error = $"{ex.GetType().Name}: {ex.GetBaseException().Message}";
            await FinishAsync(id, DeliveryStatus.Failed, watch.Elapsed, error[..Math.Min(error.Length, MaxErrorLength)]);
            LogFailed(logger, ex, delivery.DeliveryId, delivery.Event);
            throw;
        }
        await FinishAsync(id, DeliveryStatus.Processed, watch.Elapsed, null);
        LogProcessed(logger, delivery.DeliveryId, delivery.Action is null ? delivery.Event : $"{delivery.Event}.{delivery.Action}", matching.Count, watch.ElapsedMilliseconds);
    }

    private async Task<bool> TryClaimAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var claimable = delivery.Status is DeliveryStatus.Received or DeliveryStatus.Failed
            || (delivery.Status == DeliveryStatus.Processing && delivery.StartedAt < time.GetUtcNow() - AbandonedAfter);
        if (!claimable)
        {
            return false;
        }
        var now = time.GetUtcNow();
        var claimed = await gate.RunAsync(db, () => db.Set<WebhookDelivery>()
            .Where(d => d.Id == delivery.Id && d.Status == delivery.Status && d.Attempts == delivery.Attempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Processing)
                .SetProperty(d => d.Attempts, delivery.Attempts + 1)
                .SetProperty(d => d.StartedAt, now)
                .SetProperty(d => d.Error, (string?)null), cancellationToken), cancellationToken);
        return claimed == 1;
    }

    private async Task FinishAsync(long id, DeliveryStatus status, TimeSpan elapsed, string? error)
    {
        var now = time.GetUtcNow();
        // Recorded even when the job is being cancelled: the row must not stay "processing".
        await gate.RunAsync(db, () => db.Set<WebhookDelivery>().Where(d => d.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.CompletedAt, now)
            .SetProperty(d => d.ProcessingMilliseconds, (int)Math.Ceiling(elapsed.TotalMilliseconds))
            .SetProperty(d => d.Error, error), CancellationToken.None), CancellationToken.None);
        live.Publish("delivery.updated", new { id, status = status.ToString().ToLowerInvariant(), error });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Event}) processed by {Handlers} handler(s) in {ElapsedMs} ms")]
    private static partial void LogProcessed(ILogger logger, string deliveryId, string @event, int handlers, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Event}) failed; Hangfire will retry it")]
    private static partial void LogFailed(ILogger logger, Exception exception, string deliveryId, string @event);
}
