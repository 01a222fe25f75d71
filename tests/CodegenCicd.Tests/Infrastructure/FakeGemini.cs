using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// Gemini's generateContent on loopback (REFERENCE.md). It checks what the real API would
/// reject — the key header (and no key in the URL), the model path, contents ending with a user
/// turn, function declarations, one functionResponse per functionCall — and answers with the
/// replies a test scripted, in order.
/// </summary>
public sealed class FakeGemini : IAsyncDisposable
{
    public const string ApiKey = "AIza-fake-gemini-key-0123456789";
    public const string Model = "gemini-test";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Func<JsonObject, CancellationToken, Task<IResult>>> script = new();

    private FakeGemini(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every accepted request body, in order.</summary>
    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>Requests refused as the real API would refuse them, with the reason.</summary>
    public ConcurrentQueue<string> Rejections { get; } = new();

    public Dictionary<string, string?> Settings => new()
    {
        ["Gemini:ApiKey"] = ApiKey,
        ["Gemini:ApiUrl"] = BaseUrl.AbsoluteUri,
        ["Gemini:Model"] = Model,
    };

    public static async Task<FakeGemini> StartAsync()
    {
        var fake = new FakeGemini(LoopbackServer.Create());
        fake.app.MapPost("/v1beta/models/{call}", fake.HandleAsync);
        fake.BaseUrl = await LoopbackServer.StartAsync(fake.app);
        return fake;
    }

    /// <summary>Answers with a candidate holding an optional text part and one function call.</summary>
    public void ReplyWithCall(string name, JsonObject? args = null, string? text = null) =>
        script.Enqueue((_, _) => Task.FromResult(Candidate(Parts(text, name, args))));

    /// <summary>Answers with a call computed from the request (e.g. a ref read from the snapshot it carries).</summary>
    public void ReplyWithCall(Func<JsonObject, (string Name, JsonObject Args)> decide) =>
        script.Enqueue((request, _) =>
        {
            var (name, args) = decide(request);
            return Task.FromResult(Candidate(Parts(null, name, args)));
        });

    /// <summary>Answers with a raw body and status, for malformed or refusing replies.</summary>
    public void ReplyWithRaw(int status, string json) =>
        script.Enqueue((_, _) => Task.FromResult(Results.Content(json, "application/json", statusCode: status)));

    /// <summary>Never answers: holds the request until the client gives up.</summary>
    public void ReplyNever() =>
        script.Enqueue(async (_, aborted) =>
        {
            await Task.Delay(Timeout.Infinite, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(504);
        });

    /// <summary>The text parts of the last user turn of a request: the page state the agent was shown.</summary>
    public static string LastUserText(JsonObject request) =>
        string.Join("\n", ((JsonArray)request["contents"]!).Last()!["parts"]!.AsArray()
            .Select(p => p?["text"]?.GetValue<string>()).OfType<string>());

    private static JsonArray Parts(string? text, string name, JsonObject? args)
    {
        var parts = new JsonArray();
        if (text is not null)
        {
            parts.Add(new JsonObject { ["text"] = text });
        }
        parts.Add(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = args ?? new JsonObject() } });
        return parts;
    }

    private static IResult Candidate(JsonArray parts) => Results.Json(new JsonObject
    {
        ["candidates"] = new JsonArray
        {
            new JsonObject
            {
                ["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts },
                ["finishReason"] = "STOP",
                ["index"] = 0,
            },
        },
        ["modelVersion"] = Model,
    });

    private static IResult Error(int code, string status, string message) => Results.Json(
        new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } },
        statusCode: code);

    private async Task<IResult> HandleAsync(HttpContext context, string call)
    {
        var problem = await CheckAsync(context, call);
        if (problem is not null)
        {
            Rejections.Enqueue(problem.Value.Message);
            return Error(problem.Value.Code, problem.Value.Code == 403 ? "PERMISSION_DENIED" : "INVALID_ARGUMENT", problem.Value.Message);
        }
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        Requests.Enqueue(body);
        return script.TryDequeue(out var reply)
            ? await reply(body, context.RequestAborted)
            : Error(400, "INVALID_ARGUMENT", "fake Gemini: the test scripted no more replies");
    }

    private static async Task<(int Code, string Message)?> CheckAsync(HttpContext context, string call)
    {
        if (call != $"{Model}:generateContent")
        {
            return (404, $"models/{call} is not found for API version v1beta");
        }
        if (context.Request.Query.ContainsKey("key"))
        {
            return (400, "the key must travel in the x-goog-api-key header, not the URL");
        }
        if (context.Request.Headers["x-goog-api-key"] != ApiKey)
        {
            return (403, "API key not valid. Please pass a valid API key.");
        }
        context.Request.EnableBuffering();
        var node = await JsonNode.ParseAsync(context.Request.Body);
        context.Request.Body.Position = 0;
        if (node?["contents"] is not JsonArray { Count: > 0 } contents || contents[^1]?["role"]?.GetValue<string>() != "user")
        {
            return (400, "contents must be a non-empty array ending with a user turn");
        }
        if (node["tools"]?[0]?["functionDeclarations"] is not JsonArray { Count: > 0 })
        {
            return (400, "tools[0].functionDeclarations is missing");
        }
        for (var i = 0; i < contents.Count - 1; i++)
        {
            var calls = Names(contents[i], "functionCall");
            if (calls.Count > 0 && !calls.SequenceEqual(Names(contents[i + 1], "functionResponse")))
            {
                return (400, "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.");
            }
        }
        return null;
    }

    private static List<string> Names(JsonNode? turn, string kind) =>
        [.. (turn?["parts"]?.AsArray() ?? []).Select(p => p?[kind]?["name"]?.GetValue<string>()).OfType<string>()];

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
