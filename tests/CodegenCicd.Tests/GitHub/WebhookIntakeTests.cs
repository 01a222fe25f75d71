using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.GitHub;

public sealed class WebhookIntakeTests
{
    private const string Secret = "intake-test-secret";

    private static GitHubAppFactory CreateFactory()
    {
        // A webhook secret alone is enough for intake (no App needed to verify and store deliveries).
        var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        return factory;
    }

    private static Task<int> CountDeliveriesAsync(GitHubAppFactory factory) =>
        factory.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync());

    [Fact]
    public async Task OpeningTheWebhookUrl_Answers405SayingWhatItIsFor_NotASignIn()
    {
        await using var factory = CreateFactory();

        var response = await factory.CreateAnonymousClient().GetAsync(WebhookEndpoint.Path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", Assert.Single(response.Content.Headers.Allow));
        Assert.Contains("signed webhook deliveries", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedFixture_IsStoredWithItsHeaders_AndProcessedOnce()
    {
        await using var factory = CreateFactory();
        var client = factory.CreateAnonymousClient();
        var deliveryId = Guid.NewGuid().ToString();

        var response = await client.SendAsync(GitHubAppFactory.Delivery("ping",
            GitHubAppFactory.Fixture("ping.with-app_id.json"), Secret, deliveryId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.WaitForOutcomeAsync(deliveryId);
        Assert.Equal(DeliveryStatus.Processed, stored.Status);
        Assert.Equal(("ping", null, "Octocoders/Hello-World", "123456"),
            (stored.Event, stored.Action, stored.RepositoryFullName, stored.HookId));
        Assert.Equal(1, stored.Attempts);
        Assert.NotNull(stored.ProcessingMilliseconds);
        var handled = Assert.Single(factory.Recorded.Events);
        Assert.Equal(deliveryId, handled.DeliveryId);
        Assert.Equal(109948940, handled.Payload.GetProperty("hook_id").GetInt64());
    }

    [Fact]
    public async Task SameDeliverySentTwice_IsAcknowledgedTwice_StoredAndProcessedOnce()
    {
        await using var factory = CreateFactory();
        var client = factory.CreateAnonymousClient();
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubAppFactory.Fixture("ping.with-app_id.json");

        var first = await client.SendAsync(GitHubAppFactory.Delivery("ping", body, Secret, deliveryId));
        await factory.WaitForOutcomeAsync(deliveryId);
        var second = await client.SendAsync(GitHubAppFactory.Delivery("ping", body, Secret, deliveryId));
        await factory.WaitForJobsIdleAsync();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(1, await CountDeliveriesAsync(factory));
        Assert.Single(factory.Recorded.Events);
    }

    [Fact]
    public async Task SameDeliveryPostedConcurrently_IsStoredAndProcessedOnce()
    {
        await using var factory = CreateFactory();
        var client = factory.CreateAnonymousClient();
        var deliveryId = Guid.NewGuid().ToString();
        var body = GitHubAppFactory.Fixture("ping.with-app_id.json");
        await client.GetAsync("/healthz"); // start the host before the race

        var responses = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(_ => client.SendAsync(GitHubAppFactory.Delivery("ping", body, Secret, deliveryId))));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"got {(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        await factory.WaitForOutcomeAsync(deliveryId);
        Assert.Equal(1, await CountDeliveriesAsync(factory));
        await factory.WaitForJobsIdleAsync();
        Assert.Single(factory.Recorded.Events);
    }

    [Fact]
    public async Task WrongSignature_Returns401_AndStoresNothing()
    {
        await using var factory = CreateFactory();
        var response = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), "not-the-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("does not match", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountDeliveriesAsync(factory));
    }

    [Fact]
    public async Task UnsignedRequest_Returns401_WithItsOwnMessage_AndStoresNothing()
    {
        await using var factory = CreateFactory();
        var response = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), secret: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Missing X-Hub-Signature-256", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountDeliveriesAsync(factory));
    }

    [Theory]
    [InlineData("{\"action\": \"created\", ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("not json at all")]
    public async Task SignedButMalformedJson_Returns400_AndStoresNothing(string body)
    {
        await using var factory = CreateFactory();
        var response = await factory.CreateAnonymousClient().SendAsync(GitHubAppFactory.Delivery("ping", body, Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountDeliveriesAsync(factory));
    }

    [Fact]
    public async Task SignedObjectOfUnexpectedShape_IsStoredWithoutTheOddFields()
    {
        await using var factory = CreateFactory();
        var deliveryId = Guid.NewGuid().ToString();
        var body = "{\"action\": 7, \"installation\": {\"id\": \"not a number\"}, \"repository\": {\"full_name\": null}}";

        var response = await factory.CreateAnonymousClient().SendAsync(GitHubAppFactory.Delivery("ping", body, Secret, deliveryId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.WaitForOutcomeAsync(deliveryId);
        Assert.Equal((null, null, null), (stored.Action, stored.InstallationId, stored.RepositoryFullName));
    }

    [Fact]
    public async Task MissingEventHeader_Returns400()
    {
        await using var factory = CreateFactory();
        var request = GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), Secret);
        request.Headers.Remove("X-GitHub-Event");

        var response = await factory.CreateAnonymousClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountDeliveriesAsync(factory));
    }

    [Fact]
    public async Task BodyOver25MiB_Returns413_AndStoresNothing()
    {
        await using var factory = CreateFactory();
        var padding = new string(' ', WebhookEndpoint.MaxBodyBytes);
        var response = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("ping", "{\"zen\": \"big\"}" + padding, Secret));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountDeliveriesAsync(factory));
    }

    [Fact]
    public async Task NoSecretConfigured_RefusesDeliveries_WithAClearMessage()
    {
        await using var factory = new GitHubAppFactory(github: null);
        var response = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), "anything"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("/setup", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountDeliveriesAsync(factory));
    }

    [Fact]
    public async Task FailingHandler_IsRecordedAsFailed_ThenRedeliveredFromTheAdminPage()
    {
        await using var factory = CreateFactory();
        factory.Recorded.FailNext(1);
        var client = factory.CreateAnonymousClient();
        var deliveryId = Guid.NewGuid().ToString();
        await client.SendAsync(GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), Secret, deliveryId));

        var failed = await factory.WaitForOutcomeAsync(deliveryId);
        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        Assert.Contains("handler failed on purpose", failed.Error, StringComparison.Ordinal);

        var admin = await factory.CreateSignedInClientAsync();
        var page = await admin.GetStringAsync("/deliveries");
        Assert.Contains("handler failed on purpose", page, StringComparison.Ordinal);
        var redeliver = await Infrastructure.Forms.PostAsync(admin, $"/deliveries?handler=Redeliver&id={failed.Id}", []);
        Assert.Equal(HttpStatusCode.Redirect, redeliver.StatusCode);

        var processed = await Poll.UntilAsync(
            () => factory.DeliveryAsync(deliveryId),
            d => d is { Status: DeliveryStatus.Processed },
            TimeSpan.FromSeconds(20),
            d => $"the redelivered delivery was not processed (last seen: {d?.Status.ToString() ?? "not stored"})");
        Assert.NotNull(processed);
        Assert.Null(processed.Error);
        Assert.Equal(2, factory.Recorded.Events.Count);
    }

    [Fact]
    public async Task FailedDelivery_IsRetriedByItsScheduledJob_OnceOnly_EvenIfTheJobRunsTwice()
    {
        await using var factory = CreateFactory();
        factory.Recorded.FailNext(1);
        var client = factory.CreateAnonymousClient();
        var deliveryId = Guid.NewGuid().ToString();
        await client.SendAsync(
            GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), Secret, deliveryId));
        var failed = await factory.WaitForOutcomeAsync(deliveryId);
        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        // The dispatcher schedules the retry just after it records the failure.
        var monitor = factory.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        await Poll.UntilAsync(
            () => Task.FromResult(monitor.ScheduledJobs(0, 10).Any(j => j.Value.Job.Type == typeof(WebhookDeliveryJob)
                && Equals(j.Value.Job.Args[0], failed.Id))),
            found => found,
            TimeSpan.FromSeconds(20),
            _ => "no retry of the failed delivery was scheduled");

        // The job Hangfire would run 15 s later, run now; then a second copy (Hangfire's at-least-once).
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var job = ActivatorUtilities.CreateInstance<WebhookDeliveryJob>(scope.ServiceProvider);
            await job.RunAsync(failed.Id, CancellationToken.None);
            await job.RunAsync(failed.Id, CancellationToken.None);
        }

        var retried = await factory.DeliveryAsync(deliveryId);
        Assert.Equal(DeliveryStatus.Processed, retried!.Status);
        Assert.Null(retried.Error);
        Assert.Equal(2, retried.Attempts);
        Assert.Equal(2, factory.Recorded.Events.Count(e => e.DeliveryId == deliveryId));
    }
}
