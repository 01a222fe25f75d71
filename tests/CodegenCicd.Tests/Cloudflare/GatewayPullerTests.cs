using System.Text;
using System.Text.Json;
using CodegenCicd.Cloudflare.Gateway;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cloudflare;

/// <summary>Pull mode, one batch at a time, against the fake Cloudflare API and a fake Worker body store.</summary>
public sealed class GatewayPullerTests
{
    [Fact]
    public async Task ANewDelivery_IsStoredAndProcessed_ItsBodyForgotten_AndItsMessageAcked()
    {
        await using var setup = await Setup.StartAsync();
        var guid = setup.Put(GitHubAppFactory.Fixture("ping.with-app_id.json"));

        Assert.Equal(1, await setup.PullOnceAsync());

        Assert.Equal(DeliveryStatus.Processed, (await setup.App.WaitForOutcomeAsync(guid)).Status);
        Assert.Empty(setup.Cloudflare.Messages);
        Assert.Empty(setup.Cloudflare.WorkerBodies);
    }

    [Fact]
    public async Task ADeliveryAlreadyStoredHere_IsAckedWithoutASecondRowOrASecondRun()
    {
        await using var setup = await Setup.StartAsync();
        var body = GitHubAppFactory.Fixture("ping.with-app_id.json");
        var guid = setup.Put(body);
        // GitHub's redelivery reached the app directly first.
        (await setup.App.CreateAnonymousClient().SendAsync(GitHubAppFactory.Delivery("ping", body, setup.Secret, guid))).EnsureSuccessStatusCode();
        await setup.App.WaitForOutcomeAsync(guid);

        Assert.Equal(1, await setup.PullOnceAsync());
        await setup.App.WaitForJobsIdleAsync();

        Assert.Equal(1, await setup.App.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync(d => d.DeliveryId == guid)));
        Assert.Single(setup.App.Recorded.Events, e => e.DeliveryId == guid);
        Assert.Empty(setup.Cloudflare.Messages);
        Assert.Empty(setup.Cloudflare.WorkerBodies);
    }

    [Fact]
    public async Task ABodyThatDoesNotMatchItsSignature_IsNotStored_AndComesBackLater()
    {
        await using var setup = await Setup.StartAsync();
        var guid = setup.Put(GitHubAppFactory.Fixture("ping.with-app_id.json"), signWith: "another-secret");

        Assert.Equal(1, await setup.PullOnceAsync());

        Assert.Null(await setup.App.DeliveryAsync(guid));
        var message = Assert.Single(setup.Cloudflare.Messages);
        Assert.Equal(1, message.Retries);
        Assert.True(message.VisibleAt > DateTimeOffset.UtcNow.AddSeconds(20), "a retry waits before the message comes back");
        Assert.True(setup.Cloudflare.WorkerBodies.ContainsKey(guid), "the body stays until the delivery is stored");
    }

    private sealed class Setup : IAsyncDisposable
    {
        private Infrastructure.FakeGitHub.FakeGitHub github = null!;

        public FakeCloudflare Cloudflare { get; private set; } = null!;

        public GitHubAppFactory App { get; private set; } = null!;

        public string Secret => github.WebhookSecret;

        public static async Task<Setup> StartAsync()
        {
            var setup = new Setup { github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync(), Cloudflare = await FakeCloudflare.StartAsync() };
            setup.Cloudflare.Queues["webhook-deliveries"] = "queue-1";
            setup.Cloudflare.WorkerReadToken = GatewayWorkerClient.ReadToken(setup.github.WebhookSecret);
            setup.App = GatewayApp.Create(setup.github, setup.Cloudflare, "pull");
            setup.App.Settings["Cloudflare:WorkerUrl"] = new Uri(setup.Cloudflare.BaseUrl, "worker/").ToString();
            setup.App.Settings["Cloudflare:PullIntervalSeconds"] = "3600";
            // The app's own loop pulls once at start-up, then waits an hour: let that first pull find
            // the queue empty, so every later message is the test's to pull.
            _ = setup.App.Services;
            await Poll.UntilAsync(() => setup.Cloudflare.Calls.Any(c => c.EndsWith("/messages/pull", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the pull loop's first pull");
            return setup;
        }

        /// <summary>What the Worker does on intake: the body in its store, a pointer on the queue.</summary>
        public string Put(string body, string? signWith = null)
        {
            var guid = Guid.NewGuid().ToString();
            var bytes = Encoding.UTF8.GetBytes(body);
            Cloudflare.WorkerBodies[guid] = bytes;
            Cloudflare.Enqueue(JsonSerializer.Serialize(new
            {
                guid, @event = "ping", signature = WebhookSignature.Sign(bytes, signWith ?? Secret),
                headers = new Dictionary<string, string> { ["x-github-hook-id"] = "123456" },
            }));
            return guid;
        }

        public async Task<int> PullOnceAsync()
        {
            await using var scope = App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<GatewayPuller>().PullOnceAsync(CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Cloudflare.DisposeAsync();
            await github.DisposeAsync();
        }
    }
}
