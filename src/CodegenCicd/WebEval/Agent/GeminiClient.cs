using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CodegenCicd.WebEval.Agent;

/// <summary>
/// <c>POST v1beta/models/{model}:generateContent</c> (REFERENCE.md). The key travels in the
/// <c>x-goog-api-key</c> header, never in the URL, so it cannot end up in request logs.
/// </summary>
public sealed class GeminiClient(HttpClient http, IOptions<GeminiOptions> options)
{
    /// <summary>Finish reasons meaning Gemini declined to answer rather than answered badly.</summary>
    private static readonly HashSet<string> RefusalReasons =
        ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"];

    public async Task<GeminiReply> GenerateAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var message = new HttpRequestMessage(HttpMethod.Post,
            $"v1beta/models/{Uri.EscapeDataString(settings.Model)}:generateContent")
        {
            Content = JsonContent.Create(request),
        };
        message.Headers.Add("x-goog-api-key", settings.ApiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new GeminiRefusedException($"Gemini could not be reached: {ex.Message}", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new GeminiRefusedException(
                $"Gemini did not answer within {settings.RequestTimeoutSeconds} s (Gemini:RequestTimeoutSeconds)", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new GeminiRefusedException("Gemini failed repeatedly; calls are paused for a moment", ex);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new GeminiRefusedException(
                    $"Gemini answered {(int)response.StatusCode} {response.ReasonPhrase}: {ErrorMessage(body)}");
            }
            return Parse(body);
        }
    }

    internal static GeminiReply Parse(string body)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            root = null;
        }
        if (root is null)
        {
            return Malformed("the reply is not a JSON object");
        }
        if (root["promptFeedback"]?["blockReason"] is JsonValue blocked)
        {
            throw new GeminiRefusedException($"Gemini blocked the prompt ({blocked})");
        }
        if (root["candidates"] is not JsonArray { Count: > 0 } candidates || candidates[0] is not JsonObject candidate)
        {
            return Malformed("the reply has no candidates");
        }
        var finishReason = (candidate["finishReason"] as JsonValue)?.ToString();
        if (finishReason is not null && RefusalReasons.Contains(finishReason))
        {
            throw new GeminiRefusedException($"Gemini declined to answer (finishReason {finishReason})");
        }
        if (candidate["content"] is not JsonObject content || content["parts"] is not JsonArray { Count: > 0 } parts)
        {
            return Malformed($"the candidate has no content parts (finishReason {finishReason ?? "none"})");
        }
        var texts = new List<string>();
        var calls = new List<FunctionCall>();
        foreach (var part in parts.OfType<JsonObject>())
        {
            if (part["text"] is JsonValue text && text.TryGetValue<string>(out var value) && part["thought"] is null)
            {
                texts.Add(value);
            }
            if (part["functionCall"] is JsonObject call)
            {
                if (call["name"] is not JsonValue name || !name.TryGetValue<string>(out var callName)
                    || callName.Length == 0)
                {
                    return Malformed("a functionCall has no name", content);
                }
                var args = call["args"] switch
                {
                    null => new JsonObject(),
                    JsonObject o => (JsonObject)o.DeepClone(),
                    _ => null,
                };
                if (args is null)
                {
                    return Malformed($"the arguments of {callName} are not an object", content);
                }
                calls.Add(new FunctionCall(callName, args));
            }
        }
        var reasoning = texts.Count > 0 ? string.Join("\n", texts).Trim() : null;
        return new GeminiReply(reasoning, calls, (JsonObject)content.DeepClone(), null);
    }

    private static GeminiReply Malformed(string problem, JsonObject? content = null) =>
        new(null, [], content?.DeepClone() as JsonObject, problem);

    /// <summary>Google's error body is <c>{"error": {"code", "message", "status"}}</c>.</summary>
    private static string ErrorMessage(string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["error"] is JsonObject error)
            {
                return $"{error["status"]} {error["message"]}".Trim();
            }
        }
        catch (JsonException)
        {
            // Not Google's error shape; show the start of the body instead.
        }
        return body.Length > 300 ? body[..300] + "…" : body;
    }
}
