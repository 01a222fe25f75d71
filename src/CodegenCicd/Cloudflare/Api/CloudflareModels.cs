using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodegenCicd.Cloudflare.Api;

// The subset of Cloudflare's v4 shapes the gateway reads (snake_case on the wire).

/// <summary>Every v4 reply: <c>{success, errors[{code, message}], messages, result}</c>.</summary>
public sealed record CloudflareEnvelope<T>(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("errors")] IReadOnlyList<CloudflareError>? Errors,
    [property: JsonPropertyName("result")] T? Result);

public sealed record CloudflareError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message);

public sealed record TokenStatus(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string Status);

public sealed record CloudflareQueue(
    [property: JsonPropertyName("queue_id")] string QueueId,
    [property: JsonPropertyName("queue_name")] string QueueName);

public sealed record R2Bucket(
    [property: JsonPropertyName("name")] string Name);

public sealed record WorkersSubdomain(
    [property: JsonPropertyName("subdomain")] string Subdomain);

public sealed record QueueConsumer(
    [property: JsonPropertyName("consumer_id")] string? ConsumerId,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("script_name")] string? ScriptName);

/// <summary>
/// One message lent by <c>…/messages/pull</c>; <see cref="Body"/> is the JSON text the Worker sent.
/// </summary>
public sealed record PulledMessage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lease_id")] string LeaseId);

public sealed record PulledBatch(IReadOnlyList<PulledMessage> Messages, int? Backlog);

public sealed record AckResult(
    [property: JsonPropertyName("ackCount")] int AckCount,
    [property: JsonPropertyName("retryCount")] int RetryCount);

/// <summary>A Worker binding in the upload's metadata (<c>type</c> decides which other fields apply).</summary>
public sealed record WorkerBinding(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Text = null,
    [property: JsonPropertyName("bucket_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? BucketName = null,
    [property: JsonPropertyName("queue_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? QueueName = null)
{
    public static WorkerBinding PlainText(string name, string text) => new("plain_text", name, Text: text);

    public static WorkerBinding R2(string name, string bucket) => new("r2_bucket", name, BucketName: bucket);

    public static WorkerBinding Queue(string name, string queue) => new("queue", name, QueueName: queue);
}

/// <summary>The <c>metadata</c> part of a module Worker upload.</summary>
public sealed record WorkerMetadata(
    [property: JsonPropertyName("main_module")] string MainModule,
    [property: JsonPropertyName("compatibility_date")] string CompatibilityDate,
    [property: JsonPropertyName("bindings")] IReadOnlyList<WorkerBinding> Bindings,
    // Secrets set earlier survive a redeploy only when kept explicitly.
    [property: JsonPropertyName("keep_bindings")] IReadOnlyList<string> KeepBindings);

internal static class CloudflareJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
