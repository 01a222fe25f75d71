using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>What the Worker's <c>GET /health</c> answers.</summary>
public sealed record GatewayHealth(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("backlog")] int Backlog,
    [property: JsonPropertyName("backlogTruncated")] bool BacklogTruncated,
    [property: JsonPropertyName("lastDelivery")] GatewayLastDelivery? LastDelivery,
    [property: JsonPropertyName("secretConfigured")] bool SecretConfigured);

public sealed record GatewayLastDelivery(
    [property: JsonPropertyName("guid")] string Guid,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt);

/// <summary>
/// The deployed Worker's own endpoints: its health, and (pull mode) a delivery's raw body and its
/// removal once stored here. Authenticated with a token both sides derive from the webhook secret.
/// </summary>
public sealed class GatewayWorkerClient(HttpClient http)
{
    /// <summary>Hex HMAC-SHA256 of a fixed label under the webhook secret (src/index.js, <c>readToken</c>).</summary>
    public static string ReadToken(string webhookSecret) =>
        Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhookSecret), "codegencicd-gateway-read"u8));

    public async Task<GatewayHealth?> GetHealthAsync(Uri worker, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<GatewayHealth>(new Uri(worker, "health"), cancellationToken);

    /// <summary>The body exactly as GitHub sent it, or null when the Worker keeps none for that GUID.</summary>
    public async Task<byte[]?> GetBodyAsync(Uri worker, string guid, string webhookSecret,
        CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, worker, guid, webhookSecret);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task ForgetAsync(Uri worker, string guid, string webhookSecret, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Delete, worker, guid, webhookSecret);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static HttpRequestMessage Authorized(HttpMethod method, Uri worker, string guid, string webhookSecret)
    {
        var request = new HttpRequestMessage(method, new Uri(worker, "deliveries/" + Uri.EscapeDataString(guid)));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReadToken(webhookSecret));
        return request;
    }
}
