using System.Text;
using System.Net;
using System.Net.Http.Json;
using CodegenCicd.Cloudflare.Gateway;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.Cloudflare;

/// <summary>
/// A signed delivery goes through the real Worker (workerd) while the app is stopped; then the app
/// starts and processes it exactly once. Push: the Worker's queue consumer retries until the app's
/// port answers. Pull: the app pulls the pointer (pull API double), reads the body from the Worker,
/// stores it and acknowledges. In both, GitHub redelivering the same GUID later changes nothing.
/// </summary>
public sealed class GatewayEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Push_ADeliverySentWhileTheAppIsDown_IsProcessedOnceWhenItStarts()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        var port = FreePorts.Pick();
        var origin = new Uri($"http://127.0.0.1:{port}{WebhookEndpoint.Path}");
        await using var gateway = await WorkerdGateway.StartAsync("push", github.WebhookSecret, origin);
        var body = GitHubAppFactory.Fixture("ping.with-app_id.json");
        var guid = Guid.NewGuid().ToString();

        await SendThroughGatewayAsync(gateway, body, github.WebhookSecret, guid);
        // The app is not listening: the Worker keeps the body while its queue consumer retries.
        Assert.Equal(1, (await HealthAsync(gateway)).Backlog);

        await using var app = new GitHubAppFactory(github);
        app.Settings["MissedDeliveries:Schedule"] = "";
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        app.StartServer();

        using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await AssertProcessedOnceAsync(app, direct, gateway, guid, body);
    }

    [Fact]
    public async Task Pull_ADeliverySentWhileTheAppIsDown_IsPulledAndProcessedOnce_WithNoInboundPort()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var gateway = await WorkerdGateway.StartAsync("pull", github.WebhookSecret);
        var body = GitHubAppFactory.Fixture("ping.with-app_id.json");
        var guid = Guid.NewGuid().ToString();

        await SendThroughGatewayAsync(gateway, body, github.WebhookSecret, guid);
        Assert.Equal(1, (await HealthAsync(gateway)).Backlog);

        // In-memory test server: nothing reaches the app from outside; it only calls out.
        await using var app = new GitHubAppFactory(github);
        app.Settings["MissedDeliveries:Schedule"] = "";
        app.Settings["Cloudflare:ApiToken"] = gateway.ApiToken;
        app.Settings["Cloudflare:AccountId"] = "local-account";
        app.Settings["Cloudflare:ApiUrl"] = new Uri(gateway.PullApiUrl, "client/v4/").ToString();
        app.Settings["Cloudflare:WorkerUrl"] = gateway.Url.ToString();
        app.Settings["Cloudflare:Mode"] = "pull";
        app.Settings["Cloudflare:PullIntervalSeconds"] = "1";
        using var direct = app.CreateAnonymousClient(); // starts the host, and with it the pull loop

        await AssertProcessedOnceAsync(app, direct, gateway, guid, body);
    }

    /// <param name="direct">A client straight to the app, standing for GitHub's own redelivery.</param>
    private static async Task AssertProcessedOnceAsync(GitHubAppFactory app, HttpClient direct, WorkerdGateway gateway, string guid, string body)
    {
        await Poll.UntilAsync(async () => await app.DeliveryAsync(guid) is not null, Deadline,
            $"delivery {guid} to reach the app through the gateway", TimeSpan.FromMilliseconds(100));
        var delivery = await app.WaitForOutcomeAsync(guid);
        Assert.Equal(DeliveryStatus.Processed, delivery.Status);
        // Byte for byte: the signature was checked again here.
        var stored = await app.QueryAsync(db => db.Set<WebhookDeliveryPayload>().SingleAsync(p => p.Id == delivery.Id));
        Assert.Equal(body, Encoding.UTF8.GetString(stored.Json()));

        // The Worker lets go of the body once the app has it.
        await Poll.UntilAsync(async () => (await HealthAsync(gateway)).Backlog == 0, Deadline,
            "the gateway to let go of the body once the app stored it", TimeSpan.FromMilliseconds(100));

        // GitHub redelivering the same GUID (the recovery job's doing, say) is acknowledged as a duplicate.
        var again = await direct.SendAsync(GitHubAppFactory.Delivery("ping", body, app.WebhookSecret, guid));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await app.WaitForJobsIdleAsync();
        Assert.Equal(1, await app.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync(d => d.DeliveryId == guid)));
        Assert.Single(app.Recorded.Events, e => e.DeliveryId == guid);
    }

    private static async Task SendThroughGatewayAsync(WorkerdGateway gateway, string body, string secret, string guid)
    {
        using var http = new HttpClient { BaseAddress = gateway.Url };
        using var request = GitHubAppFactory.Delivery("ping", body, secret, guid);
        request.RequestUri = new Uri("/", UriKind.Relative);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task<GatewayHealth> HealthAsync(WorkerdGateway gateway)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<GatewayHealth>(new Uri(gateway.Url, "health")))!;
    }

}
