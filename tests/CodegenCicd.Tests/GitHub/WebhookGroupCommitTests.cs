using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.GitHub.Webhooks.Intake;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.GitHub;

public sealed class WebhookGroupCommitTests
{
    private const string Secret = "group-commit-secret";

    private static string Ping => GitHubAppFactory.Fixture("ping.with-app_id.json");

    /// <summary>Holds every batch before its commit until released; records the batches.</summary>
    private sealed class HeldCommit : IDeliveryCommitHook
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<IReadOnlyList<string>> Batches { get; } = new();

        public Task Reached => reached.Task;

        public async Task BeforeCommitAsync(IReadOnlyList<string> deliveryIds, DbTransaction transaction)
        {
            Batches.Enqueue(deliveryIds);
            reached.TrySetResult();
            await Release.Task;
        }
    }

    /// <summary>Runs a test's own code before each batch of deliveries commits.</summary>
    private sealed class BeforeCommit(Func<IReadOnlyList<string>, DbTransaction, Task> before) : IDeliveryCommitHook
    {
        public Task BeforeCommitAsync(IReadOnlyList<string> deliveryIds, DbTransaction transaction) =>
            before(deliveryIds, transaction);
    }

    private static GitHubAppFactory CreateFactory(IDeliveryCommitHook hook)
    {
        var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret, CommitHook = hook };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        return factory;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string deliveryId) =>
        client.SendAsync(GitHubAppFactory.Delivery("ping", Ping, Secret, deliveryId));

    [Fact]
    public async Task ConcurrentDeliveries_AreAnsweredOnlyAfterTheirCommit_AndShareOneTransaction()
    {
        var hook = new HeldCommit();
        await using var factory = CreateFactory(hook);
        var client = factory.CreateAnonymousClient();
        var limiter = factory.Services.GetRequiredService<IntakeLimiter>();

        // The first delivery's commit is held, so the writer is busy: the next eight gather behind it.
        var first = Guid.NewGuid().ToString();
        var responses = new List<Task<HttpResponseMessage>> { SendAsync(client, first) };
        await hook.Reached.WaitAsync(TimeSpan.FromSeconds(20));
        var followers = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString()).ToList();
        responses.AddRange(followers.Select(id => SendAsync(client, id)));
        await Poll.UntilAsync(() => Task.FromResult(limiter.Admitted == 9 && limiter.Arriving == 0),
            TimeSpan.FromSeconds(20), "all nine deliveries to be handed to the writer");
        await client.GetAsync("/healthz"); // a full round trip: an early answer would have arrived by now

        Assert.All(responses, r => Assert.False(r.IsCompleted, "a delivery was answered before its commit"));
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync()));

        hook.Release.SetResult();
        var answered = await Task.WhenAll(responses);

        Assert.All(answered, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(9, await factory.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync()));
        var batches = hook.Batches.ToList();
        Assert.Equal(2, batches.Count);
        Assert.Equal([first], batches[0]);
        Assert.Equal(followers.Order(), batches[1].Order()); // eight deliveries, one transaction, one sync
        await factory.WaitForJobsIdleAsync();
        Assert.Equal(9, factory.Recorded.Events.Count);
    }

    [Fact]
    public async Task PastTheBound_ARequestGets503WithRetryAfter_AndIsNotStored()
    {
        var hook = new HeldCommit();
        await using var factory = CreateFactory(hook);
        factory.Settings["Webhooks:MaxConcurrentDeliveries"] = "1";
        var client = factory.CreateAnonymousClient();
        var held = SendAsync(client, Guid.NewGuid().ToString());
        await hook.Reached.WaitAsync(TimeSpan.FromSeconds(20));

        var refusedId = Guid.NewGuid().ToString();
        var refused = await SendAsync(client, refusedId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("Too many deliveries", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        hook.Release.SetResult();
        Assert.Equal(HttpStatusCode.Accepted, (await held).StatusCode);
        Assert.Null(await factory.DeliveryAsync(refusedId));
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, refusedId)).StatusCode); // a place is free again
    }

    [Fact]
    public async Task ACommitThatFails_IsAnsweredWithAnError_AndTheWriterCarriesOnWithTheNextDelivery()
    {
        var failed = Guid.NewGuid().ToString();
        await using var factory = CreateFactory(new BeforeCommit((ids, _) => ids.Contains(failed)
            ? throw new IOException("disk I/O error (injected before the commit)")
            : Task.CompletedTask));
        var client = factory.CreateAnonymousClient();

        var refused = await SendAsync(client, failed);
        var next = Guid.NewGuid().ToString();
        var stored = await SendAsync(client, next);

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode); // GitHub delivers it again later
        Assert.Null(await factory.DeliveryAsync(failed)); // rolled back: nothing half-stored
        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        Assert.NotNull(await factory.DeliveryAsync(next));
    }

    [Fact]
    public async Task EveryBatchOfDeliveries_CommitsWithSynchronousFull_AlsoAfterABatchOfOutcomesAlone()
    {
        var settings = new ConcurrentQueue<long>();
        await using var factory = CreateFactory(new BeforeCommit(async (_, transaction) =>
        {
            await using var pragma = transaction.Connection!.CreateCommand();
            pragma.Transaction = transaction;
            pragma.CommandText = "PRAGMA synchronous;";
            settings.Enqueue(Convert.ToInt64(await pragma.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }));
        var client = factory.CreateAnonymousClient();

        // The first delivery is dispatched and processed: its outcome is written in a batch of its own, which the
        // writer commits without a sync of its own (synchronous=NORMAL) on the same connection.
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Guid.NewGuid().ToString())).StatusCode);
        await factory.WaitForJobsIdleAsync();
        Assert.Single(factory.Recorded.Events);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Guid.NewGuid().ToString())).StatusCode);

        Assert.Equal([2L, 2L], settings); // FULL: the WAL is synced before either request is answered
    }

    [Theory]
    [InlineData("sha256=abc")]
    [InlineData("sha1=0123456789012345678901234567890123456789")]
    [InlineData("sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task SignatureHeaderOfTheWrongShape_Returns401_WithItsOwnMessage(string signature)
    {
        await using var factory = CreateFactory(new HeldCommit());
        var request = GitHubAppFactory.Delivery("ping", Ping, secret: null);
        request.Headers.Add(WebhookSignature.Header, signature);

        var response = await factory.CreateAnonymousClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("64 hex digits", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
