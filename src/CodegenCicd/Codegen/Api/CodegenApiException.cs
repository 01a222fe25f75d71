using System.Net;
using System.Text.Json;

namespace CodegenCicd.Codegen.Api;

/// <summary>A Codegen call that failed, with a message a person can act on (shown on pages and in problems).</summary>
public sealed class CodegenApiException(HttpStatusCode? statusCode, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Null when no answer came (network, rate-limit queue full, unreadable reply).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    internal static async Task<CodegenApiException> FromResponseAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        var upstream = await ReadMessageAsync(response, cancellationToken);
        var status = response.StatusCode;
        var message = (int)status switch
        {
            401 or 403 => "Codegen refused access (check Codegen:ApiToken and that it belongs to Codegen:OrgId)",
            402 => "Codegen's plan limit is reached: the organization cannot start more agent runs on its current plan",
            404 => "Codegen does not know this organization, run or repository",
            422 => "Codegen rejected the request as invalid",
            429 => "Codegen's rate limit is exhausted; try again shortly",
            >= 500 => "Codegen is unavailable right now",
            _ => "Codegen answered with an error",
        };
        return new CodegenApiException(status,
            $"{message} (HTTP {(int)status}{(upstream is null ? "" : $": {upstream}")}).");
    }

    /// <summary>
    /// Codegen's error bodies: <c>{message, status_code}</c> on 429, FastAPI's <c>{detail}</c> elsewhere.
    /// </summary>
    private static async Task<string?> ReadMessageAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            foreach (var name in (string[])["message", "detail", "error"])
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty(name, out var value))
                {
                    return Shorten(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): fall through to the raw text.
        }
        return Shorten(text);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + "…";
}

/// <summary>Thrown before any call when <c>Codegen:OrgId</c> or <c>Codegen:ApiToken</c> is missing.</summary>
public sealed class CodegenNotConfiguredException()
    : Exception("Codegen not configured: set Codegen:OrgId and Codegen:ApiToken "
        + "(or CODEGEN_ORG_ID and CODEGEN_API_TOKEN).");
