using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.GitHub.Webhooks.Intake;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// The real app wired to a fake GitHub (App id, key, webhook secret, API URL), with a recording
/// handler for <c>ping</c> deliveries (an event no feature handles, so the counts are ours alone).
/// </summary>
public sealed class GitHubAppFactory : AppFactory
{
    public GitHubAppFactory(Infrastructure.FakeGitHub.FakeGitHub? github, bool syncAtStartup = false)
    {
        Settings["GitHub:SyncInstallationsAtStartup"] = syncAtStartup ? "true" : "false";
        if (github is not null)
        {
            Settings["GitHub:AppId"] = github.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Settings["GitHub:PrivateKey"] = github.PrivateKeyPem;
            Settings["GitHub:WebhookSecret"] = github.WebhookSecret;
            Settings["GitHub:ApiUrl"] = github.BaseUrl.ToString();
            WebhookSecret = github.WebhookSecret;
        }
    }

    public string WebhookSecret { get; set; } = "";

    public RecordingHandler.Log Recorded { get; } = new();

    /// <summary>Replaces the app's no-op hook before a batch of deliveries commits (set before first use).</summary>
    public IDeliveryCommitHook? CommitHook { get; set; }

    /// <summary>More services for this test's app (set before first use).</summary>
    public Action<IServiceCollection>? MoreServices { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Recorded);
            services.AddWebhookHandler<RecordingHandler>();
            if (CommitHook is { } hook)
            {
                services.AddSingleton(hook);
            }
            MoreServices?.Invoke(services);
        });
    }

    public async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public Task<WebhookDelivery?> DeliveryAsync(string deliveryId) =>
        QueryAsync(db => db.Set<WebhookDelivery>().AsNoTracking().FirstOrDefaultAsync(d => d.DeliveryId == deliveryId));

    /// <summary>Waits until the delivery reaches a final state (processed or failed), or fails the test after 20 s.</summary>
    public async Task<WebhookDelivery> WaitForOutcomeAsync(string deliveryId) =>
        (await Poll.UntilAsync(
            () => DeliveryAsync(deliveryId),
            last => last is { Status: DeliveryStatus.Processed or DeliveryStatus.Failed },
            TimeSpan.FromSeconds(20),
            last => $"Delivery {deliveryId} was not processed within 20 s "
                + $"(last seen: {last?.Status.ToString() ?? "not stored"}; jobs: {DescribeJobs()})"))!;

    /// <summary>
    /// Waits until no delivery is waiting or being processed and no job is queued or running, so a wrongly
    /// dispatched second run would have happened.
    /// </summary>
    public async Task WaitForJobsIdleAsync()
    {
        await Poll.UntilAsync(
            () => QueryAsync(db => db.Set<WebhookDelivery>()
                .CountAsync(d => d.Status == DeliveryStatus.Received || d.Status == DeliveryStatus.Processing)),
            busy => busy == 0,
            TimeSpan.FromSeconds(20),
            busy => $"{busy} deliveries still waiting or being processed after 20 s");
        var monitor = Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        await Poll.UntilAsync(
            () => Task.FromResult(monitor.EnqueuedCount("critical") + monitor.EnqueuedCount("default") + monitor.ProcessingCount()),
            busy => busy == 0,
            TimeSpan.FromSeconds(20),
            _ => $"Jobs still busy after 20 s: {DescribeJobs()}");
    }

    private string DescribeJobs()
    {
        var monitor = Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        var failed = monitor.FailedJobs(0, 5).Select(j => j.Value.ExceptionMessage);
        return $"enqueued {monitor.EnqueuedCount("critical")}, processing {monitor.ProcessingCount()}, scheduled {monitor.ScheduledCount()}, "
            + $"failed {monitor.FailedCount()} [{string.Join(" | ", failed)}], servers {monitor.Servers().Count}";
    }

    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "github-webhooks", name));

    /// <summary>A delivery as GitHub sends it: JSON body, event, GUID, hook id and (when a secret is given) the signature.</summary>
    public static HttpRequestMessage Delivery(string @event, string body, string? secret, string? deliveryId = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoint.Path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", deliveryId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-GitHub-Hook-ID", "123456");
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/abc123");
        if (secret is not null)
        {
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(bytes, secret));
        }
        return request;
    }
}

/// <summary>
/// Records what the delivery job hands to handlers, having read each payload as a real handler does; can be told to
/// fail the next N calls.
/// </summary>
public sealed class RecordingHandler(RecordingHandler.Log log) : IWebhookEventHandler
{
    public sealed class Log
    {
        private readonly ConcurrentDictionary<string, (TaskCompletionSource Reached, Task Release)> holds = new();
        private int failuresLeft;

        public ConcurrentQueue<WebhookEvent> Events { get; } = new();

        public void FailNext(int count) => failuresLeft = count;

        internal bool ShouldFail() => Interlocked.Decrement(ref failuresLeft) >= 0;

        /// <summary>The handler waits for <paramref name="release"/> on this delivery; the result: it got there.</summary>
        public Task Hold(string deliveryId, Task release)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            holds[deliveryId] = (reached, release);
            return reached.Task;
        }

        internal async Task WaitIfHeldAsync(string deliveryId)
        {
            if (holds.TryGetValue(deliveryId, out var hold))
            {
                hold.Reached.TrySetResult();
                await hold.Release;
            }
        }
    }

    public IReadOnlyCollection<string> Events { get; } = ["ping"];

    public async Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        await log.WaitIfHeldAsync(webhookEvent.DeliveryId);
        _ = webhookEvent.Payload; // a body that cannot be read fails here, as in a real handler
        log.Events.Enqueue(webhookEvent);
        if (log.ShouldFail())
        {
            throw new InvalidOperationException("handler failed on purpose");
        }
    }
}
