using System.Text.Json.Nodes;
using CodegenCicd.Cloudflare.Gateway;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cloudflare;

public sealed class GatewayDeployTests
{
    [Fact]
    public async Task Deploy_CreatesBucketAndQueues_UploadsTheWorkerWithItsBindings_SetsTheSecret_AndComputesTheUrl()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using var app = GatewayApp.Create(github, cloudflare, "push");

        var deployment = await app.RunAsync(sp => sp.GetRequiredService<GatewayDeployer>().DeployAsync(CancellationToken.None));

        Assert.True(deployment.Succeeded, deployment.Error);
        Assert.Equal("https://webhook-gateway.acme.workers.dev/", deployment.WorkerUrl);
        Assert.True(cloudflare.Buckets.ContainsKey("webhook-bodies"));
        Assert.Equal(["webhook-deliveries", "webhook-deliveries-dlq"], cloudflare.Queues.Keys.Order());
        Assert.Equal(cloudflare.Queues["webhook-deliveries"], deployment.QueueId);

        var script = cloudflare.Scripts["webhook-gateway"];
        Assert.Equal("index.js", (string?)script.Metadata["main_module"]);
        Assert.Equal(GatewayScript.CompatibilityDate, (string?)script.Metadata["compatibility_date"]);
        Assert.Equal("application/javascript+module", script.ModuleContentType);
        Assert.Contains("export default", script.Module);
        Assert.Contains("crypto.subtle.verify", script.Module);
        var bindings = script.Metadata["bindings"]!.AsArray().Select(b => b!.AsObject()).ToDictionary(b => (string)b["name"]!);
        Assert.Equal(("r2_bucket", "webhook-bodies"), ((string)bindings["BODIES"]["type"]!, (string)bindings["BODIES"]["bucket_name"]!));
        Assert.Equal(("queue", "webhook-deliveries"), ((string)bindings["DELIVERIES"]["type"]!, (string)bindings["DELIVERIES"]["queue_name"]!));
        Assert.Equal("push", (string?)bindings["MODE"]["text"]);
        Assert.Equal("https://cicd.example.com/api/github/webhooks", (string?)bindings["ORIGIN_URL"]["text"]);
        Assert.False(bindings.ContainsKey("GITHUB_WEBHOOK_SECRET"), "the secret must not travel as a plain-text binding");

        Assert.Equal(github.WebhookSecret, cloudflare.Secrets[("webhook-gateway", "GITHUB_WEBHOOK_SECRET")]);
        var consumer = Assert.Single(cloudflare.Consumers.Values);
        Assert.Equal(("worker", "webhook-gateway", "webhook-deliveries-dlq"),
            ((string)consumer["type"]!, (string)consumer["script_name"]!, (string)consumer["dead_letter_queue"]!));
        Assert.True(cloudflare.WorkersDevEnabled["webhook-gateway"]);
    }

    [Fact]
    public async Task Redeploy_InPullMode_KeepsTheQueues_AndSwapsTheWorkerConsumerForAnHttpPullConsumer()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using (var push = GatewayApp.Create(github, cloudflare, "push"))
        {
            Assert.True((await push.RunAsync(sp => sp.GetRequiredService<GatewayDeployer>().DeployAsync(CancellationToken.None))).Succeeded);
        }
        var queueId = cloudflare.Queues["webhook-deliveries"];

        await using var pull = GatewayApp.Create(github, cloudflare, "pull");
        var deployment = await pull.RunAsync(sp => sp.GetRequiredService<GatewayDeployer>().DeployAsync(CancellationToken.None));

        Assert.True(deployment.Succeeded, deployment.Error);
        Assert.Equal(2, cloudflare.Queues.Count);
        Assert.Equal(queueId, deployment.QueueId);
        var consumer = Assert.Single(cloudflare.Consumers.Values);
        Assert.Equal("http_pull", (string?)consumer["type"]);
        Assert.Equal(queueId, (string?)consumer["queue_id"]);
        var bindings = cloudflare.Scripts["webhook-gateway"].Metadata["bindings"]!.AsArray();
        Assert.Contains(bindings, b => (string?)b!["name"] == "MODE" && (string?)b["text"] == "pull");
    }

    [Fact]
    public async Task Deploy_WithARejectedToken_FailsWithCloudflaresOwnMessage_AndCreatesNothing()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using var app = GatewayApp.Create(github, cloudflare, token: "not-the-token");

        var deployment = await app.RunAsync(sp => sp.GetRequiredService<GatewayDeployer>().DeployAsync(CancellationToken.None));

        Assert.False(deployment.Succeeded);
        Assert.Contains("Invalid access token", deployment.Error);
        Assert.Empty(cloudflare.Scripts);
        Assert.Empty(cloudflare.Queues);
        var last = await app.RunAsync(sp => sp.GetRequiredService<GatewayLocator>().LastDeploymentAsync(CancellationToken.None));
        Assert.Equal(deployment.Error, last?.Error);
    }

    [Fact]
    public async Task PushDeploy_WithoutAnOriginUrl_IsRefusedBeforeAnythingIsCreated()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using var app = GatewayApp.Create(github, cloudflare, "push");
        app.Settings["Cloudflare:OriginUrl"] = null;

        var deployment = await app.RunAsync(sp => sp.GetRequiredService<GatewayDeployer>().DeployAsync(CancellationToken.None));

        Assert.False(deployment.Succeeded);
        Assert.Contains("Cloudflare:OriginUrl", deployment.Error);
        Assert.Empty(cloudflare.Scripts);
    }
}
