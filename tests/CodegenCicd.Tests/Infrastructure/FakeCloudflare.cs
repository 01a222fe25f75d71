using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// An in-process Cloudflare v4 API on loopback, the calls the gateway makes: it checks the bearer
/// token and the account, answers in the v4 envelope (<c>success, errors, messages, result</c>),
/// keeps queues, buckets, consumers, uploaded scripts (metadata and module parts) and secrets, and
/// serves pull/ack over an in-memory queue with leases.
/// </summary>
public sealed class FakeCloudflare : IAsyncDisposable
{
    private readonly WebApplication app;
    private int ids;

    private FakeCloudflare(WebApplication app) => this.app = app;

    public string Token { get; } = "cf-token-" + Guid.NewGuid().ToString("N");

    public string AccountId { get; } = "acc0123456789abcdef0123456789abcd";

    public string Subdomain { get; } = "acme";

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The API root as <c>Cloudflare:ApiUrl</c> takes it.</summary>
    public Uri ApiUrl => new(BaseUrl, "client/v4/");

    public ConcurrentDictionary<string, string> Queues { get; } = new(); // name → id

    public ConcurrentDictionary<string, bool> Buckets { get; } = new();

    public ConcurrentDictionary<string, UploadedScript> Scripts { get; } = new();

    public ConcurrentDictionary<(string Script, string Name), string> Secrets { get; } = new();

    public ConcurrentDictionary<string, JsonObject> Consumers { get; } = new(); // consumer id → consumer (with queue_id)

    public ConcurrentDictionary<string, bool> WorkersDevEnabled { get; } = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Bodies the Worker holds, by GUID (pull mode).</summary>
    public ConcurrentDictionary<string, byte[]> WorkerBodies { get; } = new();

    /// <summary>The bearer token the Worker's body store accepts.</summary>
    public string? WorkerReadToken { get; set; }

    /// <summary>What <c>/worker/health</c> reports as held by the Worker.</summary>
    public int WorkerBacklog { get; set; }

    /// <summary>Messages on the (single) pulled queue, oldest first.</summary>
    public List<FakeQueueMessage> Messages { get; } = [];

    public static async Task<FakeCloudflare> StartAsync()
    {
        var webApp = LoopbackServer.Create();
        var fake = new FakeCloudflare(webApp);
        fake.Map(webApp);
        fake.BaseUrl = await LoopbackServer.StartAsync(webApp);
        return fake;
    }

    public void Enqueue(string body)
    {
        lock (Messages)
        {
            Messages.Add(new FakeQueueMessage(Guid.NewGuid().ToString("N"), body));
        }
    }

    private void Map(WebApplication webApp)
    {
        webApp.Use(async (context, next) =>
        {
            // Recorded once answered, so a test that sees a call knows its effects are done.
            context.Response.OnStarting(() =>
            {
                Calls.Enqueue($"{context.Request.Method} {context.Request.Path}");
                return Task.CompletedTask;
            });
            if (context.Request.Path.StartsWithSegments("/client/v4") && context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await Envelope(null, 400, (9109, "Invalid access token")).ExecuteAsync(context);
                return;
            }
            if (context.Request.Path.StartsWithSegments("/client/v4/accounts", out var rest)
                && !rest.StartsWithSegments("/" + AccountId))
            {
                await Envelope(null, 403, (10000, "Authentication error")).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        // The deployed Worker's GET /health, for pages that show the gateway's state without a network.
        webApp.MapGet("/worker/health", () => Results.Json(new JsonObject
        {
            ["status"] = "ok", ["mode"] = "push", ["backlog"] = WorkerBacklog, ["backlogTruncated"] = false, ["secretConfigured"] = true,
            ["lastDelivery"] = new JsonObject { ["guid"] = "last-guid", ["event"] = "pull_request", ["receivedAt"] = "2026-12-01T10:00:00Z" },
        }));
        // The Worker's pull-mode body store (GET/DELETE /deliveries/{guid}), behind the token derived from the webhook secret.
        webApp.MapMethods("/worker/deliveries/{guid}", [HttpMethods.Get, HttpMethods.Delete], (HttpContext context, string guid) =>
        {
            if (WorkerReadToken is null || context.Request.Headers.Authorization != $"Bearer {WorkerReadToken}")
            {
                return Results.StatusCode(401);
            }
            if (HttpMethods.IsDelete(context.Request.Method))
            {
                WorkerBodies.TryRemove(guid, out _);
                return Results.NoContent();
            }
            return WorkerBodies.TryGetValue(guid, out var body) ? Results.Bytes(body, "application/json") : Results.NotFound();
        });
        var api = webApp.MapGroup("/client/v4");
        api.MapGet("/user/tokens/verify", () => Envelope(new JsonObject { ["id"] = "tok", ["status"] = "active" }));
        var account = api.MapGroup("/accounts/{account}");
        account.MapGet("/queues", () => Envelope(new JsonArray(Queues.Select(q => (JsonNode)QueueJson(q.Key, q.Value)).ToArray())));
        account.MapPost("/queues", async (HttpRequest request) =>
        {
            var name = (await Json(request))["queue_name"]!.GetValue<string>();
            if (Queues.ContainsKey(name))
            {
                return Envelope(null, 409, (11009, "A queue with this name already exists"));
            }
            Queues[name] = $"q{Interlocked.Increment(ref ids):D31}";
            return Envelope(QueueJson(name, Queues[name]));
        });
        account.MapGet("/queues/{queue}/consumers", (string queue) =>
            Envelope(new JsonArray(Consumers.Values.Where(c => (string?)c["queue_id"] == queue).Select(c => c.DeepClone()).ToArray())));
        account.MapPost("/queues/{queue}/consumers", async (HttpRequest request, string queue) =>
        {
            var consumer = (await Json(request)).AsObject();
            if (Consumers.Values.Any(c => (string?)c["queue_id"] == queue && (string?)c["type"] == "worker") && (string?)consumer["type"] == "worker")
            {
                return Envelope(null, 400, (11003, "Queue already has a Worker consumer"));
            }
            var id = $"c{Interlocked.Increment(ref ids)}";
            consumer["consumer_id"] = id;
            consumer["queue_id"] = queue;
            Consumers[id] = consumer;
            return Envelope(consumer.DeepClone());
        });
        account.MapDelete("/queues/{queue}/consumers/{consumer}", (string consumer) =>
            Consumers.TryRemove(consumer, out _) ? Envelope(null) : Envelope(null, 404, (11004, "Consumer not found")));
        account.MapGet("/r2/buckets/{bucket}", (string bucket) =>
            Buckets.ContainsKey(bucket) ? Envelope(new JsonObject { ["name"] = bucket }) : Envelope(null, 404, (10006, "The specified bucket does not exist.")));
        account.MapPost("/r2/buckets", async (HttpRequest request) =>
        {
            var name = (await Json(request))["name"]!.GetValue<string>();
            Buckets[name] = true;
            return Envelope(new JsonObject { ["name"] = name });
        });
        account.MapPut("/workers/scripts/{script}", async (HttpRequest request, string script) =>
        {
            if (!request.HasFormContentType)
            {
                return Envelope(null, 400, (10021, "Expected a multipart upload"));
            }
            var form = await request.ReadFormAsync();
            if (form.Files.GetFile("metadata") is not { } metadataPart && !form.ContainsKey("metadata"))
            {
                return Envelope(null, 400, (10021, "Missing metadata part"));
            }
            var metadataText = form.Files.GetFile("metadata") is { } file ? await new StreamReader(file.OpenReadStream()).ReadToEndAsync() : form["metadata"].ToString();
            var metadata = JsonNode.Parse(metadataText)!.AsObject();
            var main = (string?)metadata["main_module"];
            if (main is null || form.Files.GetFile(main) is not { } module)
            {
                return Envelope(null, 400, (10021, $"No such module: main_module {main} has no part"));
            }
            Scripts[script] = new UploadedScript(metadata, module.ContentType, await new StreamReader(module.OpenReadStream()).ReadToEndAsync());
            return Envelope(new JsonObject { ["id"] = script, ["modified_on"] = DateTimeOffset.UtcNow.ToString("O") });
        });
        account.MapGet("/workers/scripts", () =>
            Envelope(new JsonArray(Scripts.Keys.Select(s => (JsonNode)new JsonObject { ["id"] = s, ["modified_on"] = "2026-12-01T10:00:00Z" }).ToArray())));
        account.MapPut("/workers/scripts/{script}/secrets", async (HttpRequest request, string script) =>
        {
            if (!Scripts.ContainsKey(script))
            {
                return Envelope(null, 404, (10007, "This Worker does not exist on your account."));
            }
            var secret = await Json(request);
            if ((string?)secret["type"] != "secret_text")
            {
                return Envelope(null, 400, (10021, "type must be secret_text"));
            }
            Secrets[(script, secret["name"]!.GetValue<string>())] = secret["text"]!.GetValue<string>();
            return Envelope(new JsonObject { ["name"] = secret["name"]!.GetValue<string>(), ["type"] = "secret_text" });
        });
        account.MapPost("/workers/scripts/{script}/subdomain", async (HttpRequest request, string script) =>
        {
            WorkersDevEnabled[script] = (await Json(request))["enabled"]!.GetValue<bool>();
            return Envelope(new JsonObject { ["enabled"] = WorkersDevEnabled[script] });
        });
        account.MapGet("/workers/subdomain", () => Envelope(new JsonObject { ["subdomain"] = Subdomain }));
        account.MapPost("/queues/{queue}/messages/pull", async (HttpRequest request) =>
        {
            var input = await Json(request);
            var now = DateTimeOffset.UtcNow;
            var visibility = TimeSpan.FromMilliseconds((int?)input["visibility_timeout_ms"] ?? 30_000);
            lock (Messages)
            {
                var lent = Messages.Where(m => m.VisibleAt <= now).Take((int?)input["batch_size"] ?? 5).ToList();
                foreach (var message in lent)
                {
                    message.Attempts++;
                    message.VisibleAt = now + visibility;
                    message.LeaseId = "lease-" + Guid.NewGuid().ToString("N");
                }
                return Envelope(new JsonObject
                {
                    ["message_backlog_count"] = Messages.Count,
                    ["messages"] = new JsonArray(lent.Select(m => (JsonNode)new JsonObject
                    {
                        ["id"] = m.Id, ["body"] = m.Body, ["attempts"] = m.Attempts, ["lease_id"] = m.LeaseId, ["timestamp_ms"] = 0,
                        ["metadata"] = new JsonObject { ["CF-Content-Type"] = "json" },
                    }).ToArray()),
                });
            }
        });
        account.MapPost("/queues/{queue}/messages/ack", async (HttpRequest request) =>
        {
            var input = await Json(request);
            lock (Messages)
            {
                var acked = 0;
                foreach (var ack in input["acks"]?.AsArray() ?? [])
                {
                    acked += Messages.RemoveAll(m => m.LeaseId == (string?)ack!["lease_id"]);
                }
                var retried = 0;
                foreach (var retry in input["retries"]?.AsArray() ?? [])
                {
                    foreach (var message in Messages.Where(m => m.LeaseId == (string?)retry!["lease_id"]))
                    {
                        message.VisibleAt = DateTimeOffset.UtcNow.AddSeconds((int?)retry!["delay_seconds"] ?? 0);
                        message.Retries++;
                        retried++;
                    }
                }
                return Envelope(new JsonObject { ["ackCount"] = acked, ["retryCount"] = retried, ["warnings"] = new JsonArray() });
            }
        });
    }

    private static JsonObject QueueJson(string name, string id) => new() { ["queue_id"] = id, ["queue_name"] = name };

    private static async Task<JsonNode> Json(HttpRequest request) => (await JsonNode.ParseAsync(request.Body))!;

    private static IResult Envelope(JsonNode? result, int status = 200, params (int Code, string Message)[] errors) =>
        Results.Json(new JsonObject
        {
            ["success"] = errors.Length == 0,
            ["errors"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["code"] = e.Code, ["message"] = e.Message }).ToArray()),
            ["messages"] = new JsonArray(),
            ["result"] = result,
        }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record UploadedScript(JsonObject Metadata, string? ModuleContentType, string Module);

public sealed class FakeQueueMessage(string id, string body)
{
    public string Id { get; } = id;

    public string Body { get; } = body;

    public int Attempts { get; set; }

    public int Retries { get; set; }

    public DateTimeOffset VisibleAt { get; set; }

    public string? LeaseId { get; set; }
}
