using System.Net;
using System.Text;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// Intake stores a delivery that no handler has work in already processed, and the dispatcher never touches it
/// (no claim, so no attempt and no start); everything else is dispatched as before. A processed row with no
/// attempt can only have been settled at intake: a claim counts an attempt.
/// </summary>
public sealed class DeliveryTriageTests
{
    private const string Secret = "triage-test-secret";

    private const string FixtureRepository = "Codertocat/Hello-World";

    private static GitHubAppFactory CreateFactory()
    {
        var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        return factory;
    }

    private static async Task<string> SendAsync(GitHubAppFactory factory, string @event, string fixture)
    {
        var deliveryId = Guid.NewGuid().ToString();
        var response = await factory.CreateAnonymousClient()
            .SendAsync(GitHubAppFactory.Delivery(@event, GitHubAppFactory.Fixture(fixture), Secret, deliveryId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return deliveryId;
    }

    [Fact]
    public async Task ANewHeadInARepositoryNobodyPinned_IsStoredProcessed_WithItsBody_AndNeverClaimed()
    {
        await using var factory = CreateFactory();

        var id = await SendAsync(factory, "pull_request", "pull_request.opened.json");

        // Read as soon as GitHub has its answer: the row was committed processed, so there is nothing to wait for.
        var row = (await factory.DeliveryAsync(id))!;
        Assert.Equal(DeliveryStatus.Processed, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Null(row.StartedAt);
        Assert.Equal(row.ReceivedAt, row.CompletedAt);
        Assert.Equal(FixtureRepository, row.RepositoryFullName);
        var body = await factory.QueryAsync(db => db.FindAsync<WebhookDeliveryPayload>(row.Id).AsTask());
        Assert.Equal(GitHubAppFactory.Fixture("pull_request.opened.json"), Encoding.UTF8.GetString(body!.Json()));
        await factory.WaitForJobsIdleAsync();
        Assert.Equal(0, (await factory.DeliveryAsync(id))!.Attempts);
    }

    [Fact]
    public async Task ANewHeadInAPinnedRepository_IsDispatched()
    {
        await using var factory = CreateFactory();
        await ProjectSeed.AddAsync(factory, FixtureRepository, pinned: true);

        var id = await SendAsync(factory, "pull_request", "pull_request.opened.json");

        var row = await factory.WaitForOutcomeAsync(id);
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.StartedAt);
    }

    [Fact]
    public async Task AnActionTheCheckDoesNotCover_IsDispatched_EvenForARepositoryNobodyPinned()
    {
        await using var factory = CreateFactory();

        // A close tears a preview down whatever the project's state, so it always runs.
        var id = await SendAsync(factory, "pull_request", "pull_request.closed.json");

        var row = await factory.WaitForOutcomeAsync(id);
        Assert.Equal(DeliveryStatus.Processed, row.Status);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task AnEventNoHandlerWants_IsStoredProcessed()
    {
        await using var factory = CreateFactory();

        var id = await SendAsync(factory, "push", "push.payload.json");

        var row = (await factory.DeliveryAsync(id))!;
        Assert.Equal(DeliveryStatus.Processed, row.Status);
        Assert.Equal(0, row.Attempts);
    }

    [Fact]
    public async Task AnEventWithAHandlerThatHasNoCheck_IsDispatchedToIt()
    {
        await using var factory = CreateFactory();

        var id = await SendAsync(factory, "ping", "ping.with-app_id.json");

        Assert.Equal(1, (await factory.WaitForOutcomeAsync(id)).Attempts);
        Assert.Contains(factory.Recorded.Events, e => e.DeliveryId == id);
    }

    [Fact]
    public async Task ADeliveryIsSettled_OnlyWhenEveryHandlerWantingItsEventSaysIdle()
    {
        await using var factory = CreateFactory();
        var seen = new PullRequestRecorder.Seen();
        factory.MoreServices = services =>
        {
            services.AddSingleton(seen);
            services.AddWebhookHandler<PullRequestRecorder>();
        };

        // The pull-request handler would let it go; the second handler has no check, so it gets the delivery.
        var id = await SendAsync(factory, "pull_request", "pull_request.opened.json");

        Assert.Equal(1, (await factory.WaitForOutcomeAsync(id)).Attempts);
        Assert.Contains(id, seen.DeliveryIds);
    }

    [Fact]
    public async Task ACheckThatSaysIdle_SettlesItsHandlersDeliveries_AndOneThatFails_LeavesThemToTheHandler()
    {
        await using var idle = CreateFactory();
        idle.MoreServices = services => services.AddScoped<IWebhookIdleCheck>(_ => new FixedCheck(() => true));
        var settled = await SendAsync(idle, "ping", "ping.with-app_id.json");
        Assert.Equal(0, (await idle.DeliveryAsync(settled))!.Attempts);
        await idle.WaitForJobsIdleAsync();
        Assert.DoesNotContain(idle.Recorded.Events, e => e.DeliveryId == settled);

        await using var failing = CreateFactory();
        failing.MoreServices = services => services.AddScoped<IWebhookIdleCheck>(
            _ => new FixedCheck(() => throw new InvalidOperationException("the check's database is down")));
        var dispatched = await SendAsync(failing, "ping", "ping.with-app_id.json");
        Assert.Equal(DeliveryStatus.Processed, (await failing.WaitForOutcomeAsync(dispatched)).Status);
        Assert.Contains(failing.Recorded.Events, e => e.DeliveryId == dispatched);
    }

    [Fact]
    public async Task Redelivering_ASettledDelivery_RunsItThroughTheHandlers()
    {
        await using var factory = CreateFactory();
        var id = await SendAsync(factory, "pull_request", "pull_request.opened.json");
        var row = (await factory.DeliveryAsync(id))!;
        Assert.Equal(0, row.Attempts);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<WebhookIntake>()
                .RedeliverAsync(row.Id, CancellationToken.None));
        }

        var redelivered = await factory.WaitForOutcomeAsync(id);
        Assert.Equal(DeliveryStatus.Processed, redelivered.Status);
        Assert.Equal(1, redelivered.Attempts);
    }

    /// <summary>An idle check for the tests' ping handler that answers what it is told (or throws).</summary>
    private sealed class FixedCheck(Func<bool> answer) : IWebhookIdleCheck
    {
        public Type Handler => typeof(RecordingHandler);

        public ValueTask<bool> IsIdleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
            ValueTask.FromResult(answer());
    }

    /// <summary>A second handler of pull_request deliveries, without an idle check.</summary>
    private sealed class PullRequestRecorder(PullRequestRecorder.Seen seen) : IWebhookEventHandler
    {
        public sealed class Seen
        {
            public System.Collections.Concurrent.ConcurrentQueue<string> DeliveryIds { get; } = new();
        }

        public IReadOnlyCollection<string> Events { get; } = ["pull_request"];

        public Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
        {
            seen.DeliveryIds.Enqueue(webhookEvent.DeliveryId);
            return Task.CompletedTask;
        }
    }
}
