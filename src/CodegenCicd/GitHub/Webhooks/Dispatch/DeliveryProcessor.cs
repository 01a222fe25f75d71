using System.Diagnostics;
using System.Text.Json;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks.Intake;
using CodegenCicd.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks.Dispatch;

/// <summary>A claimed delivery's row and its body, as the processor reads them.</summary>
public sealed record StoredDelivery(WebhookDelivery Delivery, WebhookDeliveryPayload Payload);

/// <summary>What came of running a claimed delivery.</summary>
/// <param name="Failure">Null when the handlers succeeded (or the delivery is gone); otherwise what a handler threw.</param>
/// <param name="Recorded">Completes once the outcome is durable on the row (it is written with the next batch).</param>
public sealed record DeliveryRun(Exception? Failure, Task Recorded);

/// <summary>
/// Runs one claimed delivery (status Processing, claimed by the caller) through the handlers registered
/// for its event and hands the outcome to the batch writer for its row. Used by the dispatcher and by the
/// retry job. The caller decides when to wait for the outcome to be recorded: a lane runs its next
/// delivery meanwhile, and its claims stay Processing (so no other node takes the repository) until all
/// its outcomes are recorded.
/// </summary>
public sealed partial class DeliveryProcessor(
    AppDbContext db, IEnumerable<IWebhookEventHandler> handlers, DeliveryBatchWriter writer, TimeProvider time,
    LiveEvents live, ILogger<DeliveryProcessor> logger)
{
    private const int MaxErrorLength = 4000;

    /// <summary>
    /// Claimed deliveries with their bodies, in one query: a lane reads all of its deliveries at once (a query
    /// per delivery was 7 % of the CPU under the peers benchmark's load). Those no longer stored are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, StoredDelivery>> ReadClaimedAsync(
        IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => ids.Contains(d.Id))
            .Join(db.Set<WebhookDeliveryPayload>().AsNoTracking(), d => d.Id, p => p.Id,
                (d, p) => new StoredDelivery(d, p))
            .ToDictionaryAsync(s => s.Delivery.Id, cancellationToken);

    /// <summary>Reads one claimed delivery and runs it (<see cref="ProcessAsync"/>): the retry job's way in.</summary>
    public async Task<DeliveryRun> ProcessClaimedAsync(long id, CancellationToken cancellationToken) =>
        (await ReadClaimedAsync([id], cancellationToken)).TryGetValue(id, out var stored)
            ? await ProcessAsync(stored, cancellationToken)
            : new DeliveryRun(null, Task.CompletedTask);

    /// <summary>Runs the handlers; cancellation by <paramref name="cancellationToken"/> is thrown.</summary>
    public async Task<DeliveryRun> ProcessAsync(StoredDelivery stored, CancellationToken cancellationToken)
    {
        var (delivery, payload) = stored;
        var id = delivery.Id;
        var matching = handlers.Where(h => h.Events.Contains(delivery.Event, StringComparer.Ordinal)).ToList();
        var watch = Stopwatch.StartNew();
        try
        {
            // The body is decompressed and parsed when a handler first reads it (one that decides from the summary
            // costs neither). Inside the try: a body that no longer decompresses or parses fails this delivery, with
            // the reason on its row, instead of failing the lane (which would give the claim back and take it again,
            // forever). Deserialized rather than JsonDocument.Parse: the element owns its memory, so a handler may
            // keep it after the decompressed bytes have gone back to the pool.
            var webhookEvent = new WebhookEvent(delivery.DeliveryId, delivery.Event, delivery.Action,
                delivery.InstallationId, delivery.RepositoryFullName,
                () => payload.ReadJson(json => JsonSerializer.Deserialize<JsonElement>(json)));
            foreach (var handler in matching)
            {
                await handler.HandleAsync(webhookEvent, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The innermost message says what went wrong (EF's own only says "see the inner exception").
            var error = $"{ex.GetType().Name}: {ex.GetBaseException().Message}";
            error = error[..Math.Min(error.Length, MaxErrorLength)];
            LogFailed(logger, ex, delivery.DeliveryId, delivery.Event);
            return new DeliveryRun(ex, RecordAsync(id, DeliveryStatus.Failed, watch.Elapsed, error));
        }
        var name = delivery.Action is null ? delivery.Event : $"{delivery.Event}.{delivery.Action}";
        LogProcessed(logger, delivery.DeliveryId, name, matching.Count, watch.ElapsedMilliseconds);
        return new DeliveryRun(null, RecordAsync(id, DeliveryStatus.Processed, watch.Elapsed, null));
    }

    /// <summary>Recorded even when the work is being cancelled: the row must not stay "processing".</summary>
    private async Task RecordAsync(long id, DeliveryStatus status, TimeSpan elapsed, string? error)
    {
        await writer.RecordAsync(new DeliveryOutcome(
            id, status, time.GetUtcNow(), (int)Math.Ceiling(elapsed.TotalMilliseconds), error));
        live.Publish("delivery.updated", new { id, status = status.ToString().ToLowerInvariant(), error });
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivery {DeliveryId} ({Event}) processed by {Handlers} handler(s) in {ElapsedMs} ms")]
    private static partial void LogProcessed(
        ILogger logger, string deliveryId, string @event, int handlers, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Event}) failed; it will be retried")]
    private static partial void LogFailed(ILogger logger, Exception exception, string deliveryId, string @event);
}
