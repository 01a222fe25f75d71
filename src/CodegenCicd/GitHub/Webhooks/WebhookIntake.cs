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
/// is acknowledged without a second row: the unique index decides. The dispatcher runs what was stored.
/// </summary>
public sealed class WebhookIntake(
    AppDbContext db, DeliveryBatchWriter writer, DispatchSignal dispatch, TimeProvider time)
{
    public Task<IntakeResult> AcceptAsync(IncomingWebhook webhook, CancellationToken cancellationToken) =>
        AcceptAsync(webhook, handedOver: null, cancellationToken);

    /// <param name="handedOver">Called once the delivery is queued for the writer (the endpoint's
    /// <see cref="IntakeLimiter.Slot.Arrived"/>, so the writer knows whom it still waits for).</param>
    public async Task<IntakeResult> AcceptAsync(
        IncomingWebhook webhook, Action? handedOver, CancellationToken cancellationToken)
    {
        if (Parse(webhook.Body) is not { } summary)
        {
            return new IntakeResult(IntakeOutcome.Malformed, Problem: "The body is not a JSON object.");
        }
        var delivery = new WebhookDelivery
        {
            DeliveryId = webhook.DeliveryId,
            Event = webhook.Event,
            Action = summary.Action,
            InstallationId = summary.InstallationId,
            RepositoryFullName = summary.Repository,
            HookId = webhook.HookId,
            Status = DeliveryStatus.Received,
            ReceivedAt = time.GetUtcNow(),
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

    private sealed record Summary(string? Action, long? InstallationId, string? Repository);

    private static Summary? Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            // Read defensively: a signed body is trusted to come from GitHub, not to have the expected shape.
            return new Summary(
                Text(root, "action", 64),
                root.TryGetProperty("installation", out var installation)
                    && installation.ValueKind == JsonValueKind.Object
                    && installation.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number
                    && id.TryGetInt64(out var installationId) ? installationId : null,
                root.TryGetProperty("repository", out var repository) && repository.ValueKind == JsonValueKind.Object
                    ? Text(repository, "full_name", 200) : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A string property, cut to its column's size (they hold names; a longer value is cut rather than refused).
    /// </summary>
    private static string? Text(JsonElement parent, string property, int maxLength) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { } text ? text[..Math.Min(text.Length, maxLength)] : null;
}
