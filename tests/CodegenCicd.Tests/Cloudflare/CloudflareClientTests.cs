using CodegenCicd.Cloudflare.Api;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cloudflare;

public sealed class CloudflareClientTests
{
    [Fact]
    public async Task PullLendsMessagesUnderLease_AckRemovesThem_RetryBringsThemBack()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using var app = GatewayApp.Create(github, cloudflare, "pull");
        cloudflare.Queues["webhook-deliveries"] = "queue-1";
        cloudflare.Enqueue("""{"guid":"a"}""");
        cloudflare.Enqueue("""{"guid":"b"}""");

        await app.RunAsync(async sp =>
        {
            var client = sp.GetRequiredService<CloudflareClient>();
            var first = await client.PullAsync("queue-1", 10, TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.Equal(["""{"guid":"a"}""", """{"guid":"b"}"""], first.Messages.Select(m => m.Body));
            Assert.Equal(2, first.Backlog);
            // Leased: a second pull sees nothing until the lease ends or is given back.
            Assert.Empty((await client.PullAsync("queue-1", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Messages);

            var result = await client.AckAsync("queue-1", [first.Messages[0].LeaseId], [(first.Messages[1].LeaseId, 0)], CancellationToken.None);
            Assert.Equal((1, 1), (result.AckCount, result.RetryCount));

            var again = await client.PullAsync("queue-1", 10, TimeSpan.FromMinutes(1), CancellationToken.None);
            var message = Assert.Single(again.Messages);
            Assert.Equal("""{"guid":"b"}""", message.Body);
            Assert.Equal(2, message.Attempts);
            return 0;
        });
    }

    [Fact]
    public async Task AFailedCall_RaisesCloudflaresErrorsInTheMessage()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using var app = GatewayApp.Create(github, cloudflare);

        var error = await Assert.ThrowsAsync<CloudflareApiException>(() =>
            app.RunAsync(sp => sp.GetRequiredService<CloudflareClient>().SetSecretAsync("no-such-worker", "S", "v", CancellationToken.None)
                .ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; })));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("This Worker does not exist on your account. [10007]", error.Message);
    }

    [Fact]
    public async Task WithoutCredentials_TheClientRefusesToCall()
    {
        await using var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        await using var cloudflare = await FakeCloudflare.StartAsync();
        await using var app = GatewayApp.Create(github, cloudflare);
        app.Settings["Cloudflare:ApiToken"] = null;

        await Assert.ThrowsAsync<CloudflareNotConfiguredException>(() =>
            app.RunAsync(async sp => await sp.GetRequiredService<CloudflareClient>().VerifyTokenAsync(CancellationToken.None)));
        Assert.Empty(cloudflare.Calls);
    }
}
