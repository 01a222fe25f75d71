using System.Net;
using CodegenCicd.Cloudflare.Recovery;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cloudflare;

public sealed class GatewayPageTests
{
    [Fact]
    public async Task WithoutCloudflare_ThePageSaysNotConfigured_AndCannotDeploy()
    {
        await using var github = await FakeGitHub.StartAsync();
        await using var app = new GitHubAppFactory(github);
        var client = await app.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/gateway");

        Assert.Contains("Not configured: GitHub must reach this app directly.", html);
        Assert.Contains("disabled=\"disabled\">Deploy the Worker</button>", html);
        Assert.Contains("https://before.example.com/hook", html); // where GitHub sends deliveries today
    }

    [Fact]
    public async Task Deploy_ThenPointGitHubAtTheGateway_AndBackAtTheApp()
    {
        await using var github = await FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        cloudflare.WorkerBacklog = 3;
        await using var app = GatewayApp.Create(github, cloudflare, "push");
        var client = await app.CreateSignedInClientAsync();

        var deploy = await Forms.PostAsync(client, "/gateway?handler=Deploy", []);
        Assert.Equal(HttpStatusCode.Redirect, deploy.StatusCode);
        var html = await client.GetStringAsync("/gateway");
        Assert.Contains("Deployed webhook-gateway in push mode at https://webhook-gateway.acme.workers.dev/.", html);
        Assert.Contains("Redeploy the Worker", html);
        Assert.True(cloudflare.Scripts.ContainsKey("webhook-gateway"));

        await Forms.PostAsync(client, "/gateway?handler=PointAtGateway", []);
        Assert.Equal("https://webhook-gateway.acme.workers.dev/", github.HookUrl);
        Assert.Contains("GitHub now sends the App&#x27;s deliveries to the gateway", await client.GetStringAsync("/gateway"));

        await Forms.PostAsync(client, "/gateway?handler=PointAtApp", []);
        Assert.Equal("https://cicd.example.com/api/github/webhooks", github.HookUrl);
    }

    [Fact]
    public async Task ThePageShowsTheWorkersBacklogAndItsLastDelivery()
    {
        await using var github = await FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        cloudflare.WorkerBacklog = 3;
        await using var app = GatewayApp.Create(github, cloudflare, "pull");
        app.Settings["Cloudflare:WorkerUrl"] = new Uri(cloudflare.BaseUrl, "worker/").ToString();
        var client = await app.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/gateway");

        Assert.Contains("Backlog: 3 deliveries held", html);
        Assert.Contains("title=\"last-guid\">pull_request</span>", html);
        Assert.Contains("not stored here yet", html);
        Assert.Contains("This app pulls deliveries from the Queue", html);
    }

    [Fact]
    public async Task TheDeliveriesPageListsWhatTheRecoveryJobAskedAgain()
    {
        await using var github = await FakeGitHub.StartAsync();
        github.AddHookDelivery(new(11, "lost-guid", DateTimeOffset.UtcNow.AddMinutes(-5), 0, "check_suite", "requested"));
        await using var app = new GitHubAppFactory(github);
        app.Settings["MissedDeliveries:Schedule"] = "";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<MissedDeliveryJob>().RunAsync(CancellationToken.None));
        }
        var client = await app.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/deliveries");

        Assert.Contains("title=\"lost-guid\">check_suite.requested</td>", html);
        Assert.Contains("no connection", html);
        Assert.Contains("1×", html);
    }
}
