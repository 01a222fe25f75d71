using System.Text.Json;
using System.Text.Json.Serialization;
using CodegenCicd.Cloudflare.Api;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>The pointer the Worker puts on the Queue for each accepted delivery.</summary>
public sealed record DeliveryPointer(
    [property: JsonPropertyName("guid")] string Guid,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers);

/// <summary>
/// Pull mode, one batch: lease pointers from the Queue, read each body from the Worker, check
/// GitHub's signature here too, store it through the same intake as a direct delivery (so the
/// <c>X-GitHub-Delivery</c> dedup applies), drop the body, then acknowledge. A crash anywhere
/// before the ack lets the lease expire and the message come back; the dedup makes that harmless.
/// </summary>
public sealed partial class GatewayPuller(
    CloudflareClient cloudflare, GatewayWorkerClient worker, GatewayLocator locator, AppCredentialsProvider credentials,
    WebhookIntake intake, DeliveryQueries deliveries, ILogger<GatewayPuller> logger)
{
    public const int BatchSize = 10;
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(1);

    /// <summary>Handles one batch; returns how many messages it was lent (0 means the queue looked empty).</summary>
    public async Task<int> PullOnceAsync(CancellationToken cancellationToken)
    {
        var secret = (await credentials.GetAsync(cancellationToken))?.WebhookSecret;
        var workerUrl = await locator.WorkerUrlAsync(cancellationToken);
        if (string.IsNullOrEmpty(secret) || workerUrl is null)
        {
            return 0;
        }
        var queueId = await locator.QueueIdAsync(cancellationToken);
        var batch = await cloudflare.PullAsync(queueId, BatchSize, Visibility, cancellationToken);
        var acks = new List<string>();
        var retries = new List<(string, int)>();
        foreach (var message in batch.Messages)
        {
            if (await HandleAsync(message, workerUrl, secret, cancellationToken))
            {
                acks.Add(message.LeaseId);
            }
            else
            {
                // Back off: 30 s, 1 min, 2 min … up to an hour; the dead-letter queue ends it.
                retries.Add((message.LeaseId,
                    (int)Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, message.Attempts - 1)))));
            }
        }
        if (acks.Count + retries.Count > 0)
        {
            await cloudflare.AckAsync(queueId, acks, retries, cancellationToken);
        }
        return batch.Messages.Count;
    }

    /// <summary>
    /// True when the message is done with (stored here, or never storable), false to see it again later.
    /// </summary>
    private async Task<bool> HandleAsync(PulledMessage message, Uri workerUrl, string secret,
        CancellationToken cancellationToken)
    {
        if (Parse(message.Body) is not { } pointer)
        {
            LogUnreadable(logger, message.Id);
            return true;
        }
        if (await IsStoredAsync(pointer.Guid, cancellationToken))
        {
            await worker.ForgetAsync(workerUrl, pointer.Guid, secret, cancellationToken);
            return true;
        }
        var body = await worker.GetBodyAsync(workerUrl, pointer.Guid, secret, cancellationToken);
        if (body is null)
        {
            LogBodyMissing(logger, pointer.Guid);
            return false;
        }
        if (!WebhookSignature.IsValid(body, secret, pointer.Signature))
        {
            // The Worker checked it with its copy of the secret: the two copies differ (redeploy the gateway).
            LogSignatureMismatch(logger, pointer.Guid);
            return false;
        }
        var hookId = pointer.Headers?.GetValueOrDefault("x-github-hook-id");
        var result = await intake.AcceptAsync(
            new IncomingWebhook(pointer.Guid, pointer.Event, hookId is { Length: > 0 and <= 32 } ? hookId : null, body),
            cancellationToken);
        if (result.Outcome == IntakeOutcome.Malformed)
        {
            LogMalformed(logger, pointer.Guid, result.Problem);
        }
        await worker.ForgetAsync(workerUrl, pointer.Guid, secret, cancellationToken);
        return true;
    }

    private Task<bool> IsStoredAsync(string guid, CancellationToken cancellationToken) =>
        deliveries.IsStoredAsync(guid, cancellationToken);

    private static DeliveryPointer? Parse(string body)
    {
        try
        {
            var pointer = JsonSerializer.Deserialize<DeliveryPointer>(body);
            return pointer is { Guid.Length: > 0 and <= 64, Event.Length: > 0 and <= 64, Signature.Length: > 0 }
                ? pointer
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Gateway message {MessageId} is not a delivery pointer; dropped")]
    private static partial void LogUnreadable(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The gateway keeps no body for delivery {DeliveryId}; will look again later")]
    private static partial void LogBodyMissing(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Delivery {DeliveryId} from the gateway does not match this app's webhook secret; "
            + "redeploy the gateway")]
    private static partial void LogSignatureMismatch(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Delivery {DeliveryId} from the gateway is malformed: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string deliveryId, string? problem);
}
