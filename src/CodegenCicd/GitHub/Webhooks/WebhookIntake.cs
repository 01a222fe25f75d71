using System.Text.Json;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks.Dispatch;
using CodegenCicd.GitHub.Webhooks.Intake;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>The headers GitHub sends with a delivery (the signature is checked before intake).</summary>
public sealed record IncomingWebhook(string DeliveryId, string Event, string? HookId, ReadOnlyMemory<byte> Body);

public enum IntakeOutcome
{
    Stored,
    Duplicate,
    Malformed,
}

public sealed record IntakeResult(IntakeOutcome Outcome, long? Id = null, string? Problem = null);

/// <summary>
/// Stores a verified delivery once per <c>X-GitHub-Delivery</c>; nothing else, so GitHub gets its answer in
/// milliseconds. Concurrent deliveries share one transaction and one sync (<see cref="DeliveryBatchWriter"/>),
/// and the answer waits for that commit. A duplicate (redelivery, or the same delivery posted concurrently)
/// is acknowledged without a second row: the unique index decides. The dispatcher runs what was stored, except
/// what <see cref="DeliveryTriage"/> finds no handler has work in: that is stored already processed.
/// </summary>
public sealed class WebhookIntake(
    AppDbContext db, DeliveryBatchWriter writer, DeliveryTriage triage, DispatchSignal dispatch, TimeProvider time)
{
    public Task<IntakeResult> AcceptAsync(IncomingWebhook webhook, CancellationToken cancellationToken) =>
        AcceptAsync(webhook, handedOver: null, cancellationToken);

    /// <param name="handedOver">Called once the delivery is queued for the writer (the endpoint's
    /// <see cref="IntakeLimiter.Slot.Arrived"/>, so the writer knows whom it still waits for).</param>
    public async Task<IntakeResult> AcceptAsync(
        IncomingWebhook webhook, Action? handedOver, CancellationToken cancellationToken)
    {
        if (DeliverySummary.Read(webhook.Body.Span) is not { } summary)
        {
            return new IntakeResult(IntakeOutcome.Malformed, Problem: "The body is not a JSON object.");
        }
        var body = webhook.Body;
        var settled = await triage.NothingToRunAsync(
            new WebhookEvent(webhook.DeliveryId, webhook.Event, summary.Action, summary.InstallationId,
                summary.Repository, () => JsonSerializer.Deserialize<JsonElement>(body.Span)),
            cancellationToken);
        var now = time.GetUtcNow();
        var delivery = new WebhookDelivery
        {
            DeliveryId = webhook.DeliveryId,
            Event = webhook.Event,
            Action = summary.Action,
            InstallationId = summary.InstallationId,
            RepositoryFullName = summary.Repository,
            HookId = webhook.HookId,
            // Settled: processed when it arrived, by no handler (no attempt, no start, no time taken).
            Status = settled ? DeliveryStatus.Processed : DeliveryStatus.Received,
            ReceivedAt = now,
            CompletedAt = settled ? now : null,
        };
        // On disk before GitHub hears 2xx: GitHub does not deliver it again. Once handed over, the delivery
        // is stored even if the caller goes away, so waiting for it is not cancelled either.
        // Compressed here, on the request's own thread, so the one writer only writes.
        var storing = writer.StoreAsync(
            new NewDelivery(delivery, WebhookDeliveryPayload.Compress(webhook.Body.Span), webhook.Body.Length));
        handedOver?.Invoke();
        var stored = await storing.WaitAsync(cancellationToken);
        return new IntakeResult(stored.Inserted ? IntakeOutcome.Stored : IntakeOutcome.Duplicate, stored.Id);
    }

    /// <summary>
    /// Runs a stored delivery through the pipeline again (the admin's "Redeliver"). False when it is
    /// unknown or being processed right now.
    /// </summary>
    public async Task<bool> RedeliverAsync(long id, CancellationToken cancellationToken)
    {
        var reset = await db.Set<WebhookDelivery>()
            .Where(d => d.Id == id && d.Status != DeliveryStatus.Processing)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatus.Received).SetProperty(d => d.Error, (string?)null),
                cancellationToken);
        if (reset == 1)
        {
            dispatch.Wake();
        }
        return reset == 1;
    }
}
