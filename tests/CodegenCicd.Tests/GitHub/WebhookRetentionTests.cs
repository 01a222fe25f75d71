using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.GitHub.Webhooks.Dispatch;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.GitHub;

public sealed class WebhookRetentionTests
{
    [Fact]
    public async Task OldFinishedDeliveriesAreDeleted_RecentAndUnfinishedOnesStay()
    {
        using var factory = new WithoutDispatcherFactory();
        factory.Settings["Webhooks:RetentionDays"] = "30";
        var clock = new ManualTime();
        clock.Advance(TimeSpan.FromDays(100));
        var now = clock.GetUtcNow();
        // More old rows than one batch, so the job has to come back for the rest.
        var oldProcessed = Enumerable.Range(0, WebhookRetentionJob.BatchSize * 2 + 7)
            .Select(i => Delivery($"old-{i}", DeliveryStatus.Processed, now.AddDays(-60).AddMinutes(i)));
        var kept = new[]
        {
            Delivery("recent-processed", DeliveryStatus.Processed, now.AddDays(-29)),
            Delivery("old-received", DeliveryStatus.Received, now.AddDays(-45)),
            Delivery("old-processing", DeliveryStatus.Processing, now.AddDays(-45)),
            Delivery("recent-failed", DeliveryStatus.Failed, now.AddDays(-2)),
        };
        await SeedAsync(factory, [.. oldProcessed, Delivery("old-failed", DeliveryStatus.Failed, now.AddDays(-31)), .. kept]);

        await using var scope = factory.Services.CreateAsyncScope();
        var job = ActivatorUtilities.CreateInstance<WebhookRetentionJob>(scope.ServiceProvider, (TimeProvider)clock);
        var deleted = await job.RunAsync(CancellationToken.None);

        var left = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<WebhookDelivery>()
            .Select(d => d.DeliveryId).ToListAsync();
        Assert.Equal(WebhookRetentionJob.BatchSize * 2 + 8, deleted);
        Assert.Equal(kept.Select(d => d.DeliveryId).Order(StringComparer.Ordinal), left.Order(StringComparer.Ordinal));
        // A body goes with its delivery (the foreign key cascades).
        Assert.Equal(kept.Length, await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<WebhookDeliveryPayload>().CountAsync());
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));
    }

    [Fact]
    public void Startup_SchedulesTheRetentionJob()
    {
        using var factory = new AppFactory();
        _ = factory.CreateClient();

        using var connection = factory.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();

        Assert.Contains(WebhookRetentionJob.RecurringJobId, connection.GetAllItemsFromSet("recurring-jobs"));
    }

    private static WebhookDelivery Delivery(string id, DeliveryStatus status, DateTimeOffset receivedAt) => new()
    {
        DeliveryId = id,
        Event = "ping",
        Status = status,
        ReceivedAt = receivedAt,
    };

    private static async Task SeedAsync(AppFactory factory, IEnumerable<WebhookDelivery> deliveries)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rows = deliveries.ToList();
        db.AddRange(rows);
        await db.SaveChangesAsync();
        db.AddRange(rows.Select(d => WebhookDeliveryPayload.For(d.Id, "{}"u8)));
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// The app without its delivery dispatcher: this test owns its rows' statuses (the dispatcher would
    /// process the Received one, and a processed delivery that old is deleted).
    /// </summary>
    private sealed class WithoutDispatcherFactory : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var dispatchers = services.Where(d => d.ImplementationType == typeof(DeliveryDispatcher)).ToList();
                foreach (var dispatcher in dispatchers)
                {
                    services.Remove(dispatcher);
                }
            });
        }
    }
}
