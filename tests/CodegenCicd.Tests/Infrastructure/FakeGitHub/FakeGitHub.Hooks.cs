using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>One attempt in the App's delivery log, as <c>GET /app/hook/deliveries</c> lists it.</summary>
public sealed record FakeHookDelivery(long Id, string Guid, DateTimeOffset DeliveredAt, int StatusCode, string Event = "ping",
    string? Action = null, bool Redelivery = false);

/// <summary>
/// The App's webhook: its delivery log (newest first, cursor pages with a <c>Link: rel="next"</c>
/// header like GitHub's), redelivery requests, and the hook configuration.
/// </summary>
public sealed partial class FakeGitHub
{
    private readonly List<FakeHookDelivery> hookDeliveries = [];

    /// <summary>The deliveries <c>POST /app/hook/deliveries/{id}/attempts</c> was asked to redeliver, by log id.</summary>
    public ConcurrentQueue<long> RedeliveryRequests { get; } = new();

    /// <summary>Page size cap (GitHub's is 100), lowered in tests to exercise the cursor.</summary>
    public int HookDeliveriesPageSize { get; set; } = 100;

    /// <summary>The App's webhook URL, as <c>PATCH /app/hook/config</c> last set it.</summary>
    public string HookUrl { get; private set; } = "https://before.example.com/hook";

    public void AddHookDelivery(FakeHookDelivery delivery)
    {
        lock (hookDeliveries)
        {
            hookDeliveries.Add(delivery);
        }
    }

    partial void MapHookEndpoints(WebApplication webApp)
    {
        webApp.MapGet("/app/hook/deliveries", async Task<IResult> (HttpContext context) => await AsAppAsync(context, () =>
        {
            var perPage = int.TryParse(context.Request.Query["per_page"], CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, 100) : 30;
            perPage = Math.Min(perPage, HookDeliveriesPageSize);
            // The cursor is the log id to continue below (GitHub's is opaque; clients follow the Link header).
            var cursor = long.TryParse(context.Request.Query["cursor"], CultureInfo.InvariantCulture, out var c) ? c : long.MaxValue;
            List<FakeHookDelivery> page;
            bool more;
            lock (hookDeliveries)
            {
                var rest = hookDeliveries.Where(d => d.Id < cursor).OrderByDescending(d => d.Id).ToList();
                page = rest.Take(perPage).ToList();
                more = rest.Count > perPage;
            }
            if (more)
            {
                context.Response.Headers.Link = $"<{BaseUrl}app/hook/deliveries?per_page={perPage}&cursor={page[^1].Id}>; rel=\"next\"";
            }
            return Results.Json(new JsonArray(page.Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id,
                ["guid"] = d.Guid,
                ["delivered_at"] = d.DeliveredAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["redelivery"] = d.Redelivery,
                ["duration"] = 0.03,
                ["status"] = d.StatusCode is >= 200 and < 300 ? "OK" : d.StatusCode == 0 ? "failed to connect to host" : "Invalid HTTP Response: " + d.StatusCode,
                ["status_code"] = d.StatusCode,
                ["event"] = d.Event,
                ["action"] = d.Action,
                ["installation_id"] = null,
                ["repository_id"] = null,
            }).ToArray()));
        }));

        webApp.MapPost("/app/hook/deliveries/{id:long}/attempts", async Task<IResult> (HttpContext context, long id) => await AsAppAsync(context, () =>
        {
            lock (hookDeliveries)
            {
                if (!hookDeliveries.Any(d => d.Id == id))
                {
                    return Error(404, "Not Found");
                }
            }
            RedeliveryRequests.Enqueue(id);
            return Results.Json(new JsonObject(), statusCode: 202);
        }));

        webApp.MapGet("/app/hook/config", async Task<IResult> (HttpContext context) => await AsAppAsync(context, () => HookConfigJson()));

        webApp.MapMethods("/app/hook/config", [HttpMethods.Patch], async Task<IResult> (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            return await AsAppAsync(context, () =>
            {
                if (body?["url"]?.GetValue<string>() is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    return Error(422, "Validation Failed: url is not a valid URL");
                }
                HookUrl = url;
                return HookConfigJson();
            });
        });
    }

    private IResult HookConfigJson() => Results.Json(new JsonObject
    {
        ["url"] = HookUrl,
        ["content_type"] = "json",
        ["insecure_ssl"] = "0",
        ["secret"] = "********",
    });
}
