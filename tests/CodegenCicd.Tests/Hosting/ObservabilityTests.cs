using System.Net;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Hosting;

public sealed class ObservabilityTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Healthz_IsAnonymousAndHealthy()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_ChecksDatabaseAndJobStorage()
    {
        var response = await factory.CreateAnonymousClient().GetAsync("/readyz");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"database\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"jobs\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_ArePrometheusText_WithHttpRequestMetrics()
    {
        var client = factory.CreateAnonymousClient();
        await client.GetAsync("/healthz");

        var response = await client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("http_requests_received_total", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiAndScalar_AreServedToTheAdmin()
    {
        var client = factory.CreateApiClient();

        var openApi = await client.GetStringAsync("/openapi/v1.json");
        var scalar = await client.GetAsync("/scalar/v1");

        Assert.Contains("/api/status", openApi, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        var page = await scalar.Content.ReadAsStringAsync();
        // It works offline: its script is served by the app and it asks no font CDN.
        Assert.Contains("<script src=\"scalar.js\">", page, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
        // A script reading the description learns how to authenticate.
        var document = System.Text.Json.Nodes.JsonNode.Parse(openApi)!;
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["AdminApiToken"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["AdminApiToken"]);
    }
}
