using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare.Api;

/// <summary>
/// Cloudflare's v4 API, only the calls REFERENCE.md and Cloudflare's docs list for the gateway: token
/// check, Queues (create, consumers, pull, ack), R2 buckets, Worker upload, secret and workers.dev
/// subdomain. Every reply is the v4 envelope; a failure becomes <see cref="CloudflareApiException"/>
/// with Cloudflare's own messages. Retries are the resilience handler's (idempotent calls only).
/// </summary>
public sealed class CloudflareClient(HttpClient http, IOptions<CloudflareOptions> options)
{
    private string Account =>
        Uri.EscapeDataString(options.Value.AccountId ?? throw new CloudflareNotConfiguredException());

    public Task<TokenStatus> VerifyTokenAsync(CancellationToken cancellationToken) =>
        SendAsync<TokenStatus>(HttpMethod.Get, "user/tokens/verify", null, "token check", cancellationToken);

    public async Task<CloudflareQueue?> FindQueueAsync(string name, CancellationToken cancellationToken)
    {
        var queues = await SendAsync<List<CloudflareQueue>>(HttpMethod.Get, $"accounts/{Account}/queues", null,
            "list queues", cancellationToken);
        return queues.FirstOrDefault(q => q.QueueName == name);
    }

    public Task<CloudflareQueue> CreateQueueAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<CloudflareQueue>(HttpMethod.Post, $"accounts/{Account}/queues",
            JsonContent.Create(new { queue_name = name }), $"create queue {name}", cancellationToken);

    public Task<List<QueueConsumer>> ListConsumersAsync(string queueId, CancellationToken cancellationToken) =>
        SendAsync<List<QueueConsumer>>(HttpMethod.Get,
            $"accounts/{Account}/queues/{Uri.EscapeDataString(queueId)}/consumers", null,
            "list queue consumers", cancellationToken);

    public Task<QueueConsumer> CreateConsumerAsync(string queueId, object consumer,
        CancellationToken cancellationToken) =>
        SendAsync<QueueConsumer>(HttpMethod.Post,
            $"accounts/{Account}/queues/{Uri.EscapeDataString(queueId)}/consumers",
            JsonContent.Create(consumer), "create queue consumer", cancellationToken);

    public Task DeleteConsumerAsync(string queueId, string consumerId, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Delete,
            $"accounts/{Account}/queues/{Uri.EscapeDataString(queueId)}/consumers/{Uri.EscapeDataString(consumerId)}",
            null, "delete queue consumer", cancellationToken);

    /// <summary>True when the bucket exists; Cloudflare answers 404 (code 10006) when it does not.</summary>
    public async Task<bool> BucketExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync<R2Bucket>(HttpMethod.Get, $"accounts/{Account}/r2/buckets/{Uri.EscapeDataString(name)}",
                null, $"read bucket {name}", cancellationToken);
            return true;
        }
        catch (CloudflareApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public Task<R2Bucket> CreateBucketAsync(string name, CancellationToken cancellationToken) =>
        SendAsync<R2Bucket>(HttpMethod.Post, $"accounts/{Account}/r2/buckets", JsonContent.Create(new { name }),
            $"create bucket {name}", cancellationToken);

    /// <summary><c>PUT …/workers/scripts/{name}</c>: a <c>metadata</c> JSON part and one ES module part.</summary>
    public Task UploadWorkerAsync(string name, WorkerMetadata metadata, string moduleName, string moduleSource,
        CancellationToken cancellationToken)
    {
        var form = new MultipartFormDataContent();
        form.Add(JsonContent.Create(metadata, options: CloudflareJson.Options), "metadata");
        var module = new StringContent(moduleSource);
        module.Headers.ContentType = new MediaTypeHeaderValue("application/javascript+module");
        form.Add(module, moduleName, moduleName);
        return SendAsync<JsonElement>(HttpMethod.Put,
            $"accounts/{Account}/workers/scripts/{Uri.EscapeDataString(name)}", form,
            $"upload Worker {name}", cancellationToken);
    }

    public Task SetSecretAsync(string script, string name, string value, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Put,
            $"accounts/{Account}/workers/scripts/{Uri.EscapeDataString(script)}/secrets",
            JsonContent.Create(new { name, text = value, type = "secret_text" }), $"set secret {name}",
            cancellationToken);

    public Task EnableWorkersDevAsync(string script, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Post,
            $"accounts/{Account}/workers/scripts/{Uri.EscapeDataString(script)}/subdomain",
            JsonContent.Create(new { enabled = true }), "enable workers.dev", cancellationToken);

    public async Task<string> GetWorkersSubdomainAsync(CancellationToken cancellationToken) =>
        (await SendAsync<WorkersSubdomain>(HttpMethod.Get, $"accounts/{Account}/workers/subdomain", null,
            "read workers.dev subdomain", cancellationToken)).Subdomain;

    /// <summary>Whether the script exists on the account, and when it was last changed.</summary>
    public async Task<DateTimeOffset?> GetWorkerModifiedAsync(string script, CancellationToken cancellationToken)
    {
        var scripts = await SendAsync<List<JsonElement>>(HttpMethod.Get, $"accounts/{Account}/workers/scripts", null,
            "list Workers", cancellationToken);
        var match = scripts.FirstOrDefault(s => s.TryGetProperty("id", out var id) && id.GetString() == script);
        if (match.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return match.TryGetProperty("modified_on", out var modified) && modified.TryGetDateTimeOffset(out var at)
            ? at
            : DateTimeOffset.MinValue;
    }

    /// <summary>
    /// <c>POST …/queues/{id}/messages/pull</c>. The result is an object with <c>messages</c> (and a
    /// backlog count) in current docs, a bare array in older ones: both are read.
    /// </summary>
    public async Task<PulledBatch> PullAsync(string queueId, int batchSize, TimeSpan visibility,
        CancellationToken cancellationToken)
    {
        var result = await SendAsync<JsonElement>(HttpMethod.Post,
            $"accounts/{Account}/queues/{Uri.EscapeDataString(queueId)}/messages/pull",
            JsonContent.Create(new
            {
                batch_size = batchSize,
                visibility_timeout_ms = (int)visibility.TotalMilliseconds
            }),
            "pull messages", cancellationToken);
        var list = result.ValueKind == JsonValueKind.Array ? result
            : result.ValueKind == JsonValueKind.Object && result.TryGetProperty("messages", out var m) ? m : default;
        var messages = list.ValueKind == JsonValueKind.Array
            ? list.Deserialize<List<PulledMessage>>(CloudflareJson.Options) ?? []
            : [];
        int? backlog = result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("message_backlog_count", out var b)
            && b.TryGetInt32(out var count) ? count : null;
        return new PulledBatch(messages, backlog);
    }

    /// <summary>
    /// <c>POST …/messages/ack</c>: acknowledged leases are gone; retried ones come back after their delay.
    /// </summary>
    public Task<AckResult> AckAsync(string queueId, IEnumerable<string> acks,
        IEnumerable<(string LeaseId, int DelaySeconds)> retries, CancellationToken cancellationToken) =>
        SendAsync<AckResult>(HttpMethod.Post,
            $"accounts/{Account}/queues/{Uri.EscapeDataString(queueId)}/messages/ack",
            JsonContent.Create(new
            {
                acks = acks.Select(lease => new { lease_id = lease }).ToArray(),
                retries = retries.Select(r => new { lease_id = r.LeaseId, delay_seconds = r.DelaySeconds }).ToArray(),
            }), "acknowledge messages", cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, string operation,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.ApiToken))
        {
            throw new CloudflareNotConfiguredException();
        }
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ApiToken);
        using var response = await http.SendAsync(request, cancellationToken);
        CloudflareEnvelope<T>? envelope;
        try
        {
            envelope = await response.Content.ReadFromJsonAsync<CloudflareEnvelope<T>>(CloudflareJson.Options,
                cancellationToken);
        }
        catch (JsonException)
        {
            throw new CloudflareApiException(response.StatusCode, operation,
                [new CloudflareError(0, $"not a Cloudflare API reply (HTTP {(int)response.StatusCode})")]);
        }
        if (envelope is null || !envelope.Success || !response.IsSuccessStatusCode)
        {
            throw new CloudflareApiException(response.StatusCode, operation, envelope?.Errors ?? []);
        }
        return envelope.Result!;
    }
}
