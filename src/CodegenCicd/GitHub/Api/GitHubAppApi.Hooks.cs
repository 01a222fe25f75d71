using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace CodegenCicd.GitHub.Api;

/// <summary>
/// The App's own webhook (REFERENCE.md): its recent deliveries (cursor pages, newest first), a
/// redelivery of one, and its configuration (where GitHub sends deliveries).
/// </summary>
public sealed partial class GitHubAppApi
{
    /// <summary>
    /// <c>GET /app/hook/deliveries</c>, newest first, following the <c>Link: rel="next"</c> cursor
    /// until a page reaches deliveries older than <paramref name="since"/> (GitHub keeps 3 days).
    /// </summary>
    public async Task<IReadOnlyList<HookDelivery>> ListHookDeliveriesAsync(
        DateTimeOffset since, CancellationToken cancellationToken)
    {
        var all = new List<HookDelivery>();
        string? next = $"app/hook/deliveries?per_page={PerPage}";
        while (next is not null)
        {
            using var request = await AsAppAsync(HttpMethod.Get, next, cancellationToken);
            var (page, link) = await SendWithLinkAsync<List<HookDelivery>>(request, cancellationToken);
            all.AddRange(page.Where(d => d.DeliveredAt >= since));
            next = page.Count > 0 && page.Min(d => d.DeliveredAt) >= since ? NextLink(link) : null;
        }
        return all;
    }

    /// <summary><c>POST /app/hook/deliveries/{id}/attempts</c>: GitHub sends that delivery again (same GUID).</summary>
    public async Task RedeliverAsync(long hookDeliveryId, CancellationToken cancellationToken)
    {
        using var request = await AsAppAsync(
            HttpMethod.Post, $"app/hook/deliveries/{hookDeliveryId}/attempts", cancellationToken);
        await SendAsync<System.Text.Json.JsonElement>(request, cancellationToken);
    }

    public async Task<HookConfig> GetHookConfigAsync(CancellationToken cancellationToken)
    {
        using var request = await AsAppAsync(HttpMethod.Get, "app/hook/config", cancellationToken);
        return await SendAsync<HookConfig>(request, cancellationToken);
    }

    /// <summary><c>PATCH /app/hook/config</c>: where GitHub sends deliveries, as JSON, with TLS verified.</summary>
    public async Task<HookConfig> SetHookUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = await AsAppAsync(HttpMethod.Patch, "app/hook/config", cancellationToken);
        request.Content = JsonContent.Create(new { url = url.AbsoluteUri, content_type = "json", insecure_ssl = "0" });
        // Setting the same URL twice leaves the same configuration.
        RetrySafeRequests.Mark(request);
        return await SendAsync<HookConfig>(request, cancellationToken);
    }

    private async Task<(T Body, string? Link)> SendWithLinkAsync<T>(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(
            new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new GitHubApiException(response.StatusCode, request.Method, request.RequestUri,
                await ReadMessageAsync(response, cancellationToken));
        }
        var body = await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new GitHubApiException(
                response.StatusCode, request.Method, request.RequestUri, "empty response body");
        return (body, response.Headers.TryGetValues("Link", out var links) ? string.Join(",", links) : null);
    }

    /// <summary>The <c>rel="next"</c> URL of a Link header (absolute on GitHub; used as given).</summary>
    internal static string? NextLink(string? header)
    {
        foreach (var part in (header ?? "").Split(','))
        {
            var pieces = part.Split(';');
            if (pieces.Length > 1 && pieces.Skip(1).Any(p => p.Trim() == "rel=\"next\""))
            {
                return pieces[0].Trim().TrimStart('<').TrimEnd('>');
            }
        }
        return null;
    }
}

/// <summary>One attempt in the App's delivery log; a redelivery shares the original's <see cref="Guid"/>.</summary>
public sealed record HookDelivery(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("guid")] string Guid,
    [property: JsonPropertyName("delivered_at")] DateTimeOffset DeliveredAt,
    [property: JsonPropertyName("redelivery")] bool Redelivery,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("action")] string? Action)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

public sealed record HookConfig(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("content_type")] string? ContentType);
