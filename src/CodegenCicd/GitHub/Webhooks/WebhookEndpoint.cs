using System.Buffers;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Webhooks.Intake;
using Microsoft.AspNetCore.Http.Features;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// <c>POST /api/github/webhooks</c>. Octokit.Webhooks.AspNetCore's <c>MapGitHubWebhooks(path, secret)</c>
/// takes the secret once, at start-up, accepts unsigned requests when it is empty, and answers 400 for a
/// bad signature; our secret can arrive later through /setup and unsigned requests must get 401. So the
/// signature is checked here (HMAC-SHA256 over the raw bytes, constant-time), and the delivery job
/// hands the stored JSON to handlers as <see cref="WebhookEvent"/>.
/// </summary>
public static partial class WebhookEndpoint
{
    public const string Path = "/api/github/webhooks";

    /// <summary>GitHub does not send payloads over 25 MB; anything larger is not GitHub.</summary>
    public const int MaxBodyBytes = 25 * 1024 * 1024;

    public static IEndpointRouteBuilder MapGitHubWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
        // Someone opening the URL in a browser learns what it is for, not that they are signed out.
        endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            {
                context.Response.Headers.Allow = HttpMethods.Post;
                return Problem(StatusCodes.Status405MethodNotAllowed,
                    "GitHub posts signed webhook deliveries here; nothing else is served.");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext context, AppCredentialsProvider credentials, IntakeLimiter limiter, WebhookIntake intake)
    {
        var cancellationToken = context.RequestAborted;
        var secret = (await credentials.GetAsync(cancellationToken))?.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return Problem(StatusCodes.Status503ServiceUnavailable,
                "No GitHub App is configured, so no webhook secret: "
                + "deliveries are refused until /setup is completed or GitHub:WebhookSecret is set.");
        }
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge,
                "Payloads over 25 MiB are refused (GitHub never sends them).");
        }
        // An unsigned request is refused before its body is read: strangers cost no memory.
        var signature = context.Request.Headers[WebhookSignature.Header].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            return Problem(StatusCodes.Status401Unauthorized,
                "Missing X-Hub-Signature-256: this endpoint accepts only signed deliveries.");
        }
        if (!WebhookSignature.LooksValid(signature))
        {
            return Problem(StatusCodes.Status401Unauthorized,
                "X-Hub-Signature-256 must be sha256= followed by 64 hex digits.");
        }
        // Bounded: past Webhooks:MaxConcurrentDeliveries a request is turned away before its body is read.
        using var slot = await limiter.EnterAsync(cancellationToken);
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problem(StatusCodes.Status503ServiceUnavailable,
                "Too many deliveries are being received at once; try again in a second.");
        }
        return await ReceiveSignedAsync(context, secret, signature, slot, intake, cancellationToken);
    }

    private static async Task<IResult> ReceiveSignedAsync(
        HttpContext context, string secret, string signature, IntakeLimiter.Slot slot, WebhookIntake intake,
        CancellationToken cancellationToken)
    {
        using var read = await ReadBodyAsync(context, cancellationToken);
        if (read is not { Bytes: var body })
        {
            return Problem(StatusCodes.Status413PayloadTooLarge,
                "Payloads over 25 MiB are refused (GitHub never sends them).");
        }
        if (!WebhookSignature.IsValid(body.Span, secret, signature))
        {
            return Problem(StatusCodes.Status401Unauthorized,
                "X-Hub-Signature-256 does not match: check that the App's webhook secret matches this server's.");
        }
        var eventName = context.Request.Headers["X-GitHub-Event"].ToString();
        var deliveryId = context.Request.Headers["X-GitHub-Delivery"].ToString();
        if (string.IsNullOrWhiteSpace(eventName) || string.IsNullOrWhiteSpace(deliveryId))
        {
            return Problem(StatusCodes.Status400BadRequest,
                "X-GitHub-Event and X-GitHub-Delivery headers are required.");
        }
        if (eventName.Length > 64 || deliveryId.Length > 64)
        {
            return Problem(StatusCodes.Status400BadRequest,
                "X-GitHub-Event and X-GitHub-Delivery may be at most 64 characters (GitHub's are far shorter).");
        }
        if (context.Request.ContentType is { } type
            && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status400BadRequest,
                "Only application/json deliveries are accepted: set the webhook's content type to JSON.");
        }
        var hookId = context.Request.Headers["X-GitHub-Hook-ID"].ToString();
        IntakeResult result;
        try
        {
            result = await intake.AcceptAsync(
                new IncomingWebhook(deliveryId, eventName, hookId.Length is > 0 and <= 32 ? hookId : null, body),
                slot.Arrived, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database refused the write (disk full, I/O error): nothing was stored, and GitHub must not think so.
            LogNotStored(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookEndpoint)),
                ex, deliveryId, eventName);
            return Problem(StatusCodes.Status500InternalServerError,
                "The delivery could not be stored, so it is not acknowledged: redeliver it once the server is healthy "
                + "(the server's log says what failed).");
        }
        return result.Outcome switch
        {
            IntakeOutcome.Stored => TypedResults.Accepted((string?)null, new WebhookAck(deliveryId, "queued")),
            IntakeOutcome.Duplicate => TypedResults.Ok(new WebhookAck(deliveryId, "duplicate")),
            _ => Problem(StatusCodes.Status400BadRequest, result.Problem ?? "Malformed payload."),
        };
    }

    /// <summary>Bodies up to this size are read into a pooled array of their declared length; larger ones grow as they arrive.</summary>
    private const int ExactSizeUpTo = 256 * 1024;

    /// <summary>
    /// The raw bytes (signatures are over them), or null past the limit. Nothing keeps them past the request (the
    /// intake stores a compressed copy), so bodies of a declared length come from the shared array pool and go
    /// back to it when the request is done.
    /// </summary>
    private static async Task<RequestBody?> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes + 1L;
        }
        try
        {
            // GitHub says how long its body is, and Kestrel holds the sender to it: one array of that size. Growing
            // a buffer instead cost a copy, and any buffer past 85 KB lands on the large-object heap, whose
            // collections took a sixth of the CPU under load; a new array per request was a quarter of what intake
            // allocated. Only up to ExactSizeUpTo, though: a stranger's claimed length must not reserve memory that
            // never arrives (64 stalled requests claiming 25 MiB each).
            if (context.Request.ContentLength is { } length and <= ExactSizeUpTo)
            {
                var body = new RequestBody(ArrayPool<byte>.Shared.Rent((int)length), (int)length);
                try
                {
                    await context.Request.Body.ReadExactlyAsync(body.Writable, cancellationToken);
                    return body;
                }
                catch
                {
                    body.Dispose();
                    throw;
                }
            }
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            while (true)
            {
                var read = await context.Request.Body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken);
                if (read == 0)
                {
                    return new RequestBody(buffer.WrittenSpan.ToArray());
                }
                buffer.Advance(read);
                if (buffer.WrittenCount > MaxBodyBytes)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    /// <summary>A request's body; a pooled array goes back to the pool when disposed.</summary>
    private sealed class RequestBody : IDisposable
    {
        private readonly byte[] array;
        private readonly int length;
        private readonly bool pooled;
        private bool returned;

        public RequestBody(byte[] rented, int length) => (array, this.length, pooled) = (rented, length, true);

        public RequestBody(byte[] owned) => (array, length, pooled) = (owned, owned.Length, false);

        public ReadOnlyMemory<byte> Bytes => array.AsMemory(0, length);

        public Memory<byte> Writable => array.AsMemory(0, length);

        public void Dispose()
        {
            if (pooled && !returned)
            {
                returned = true;
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Webhook delivery {DeliveryId} ({Event}) could not be stored and was answered 500, not acknowledged")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string deliveryId, string @event);
}

public sealed record WebhookAck(string DeliveryId, string Status);
