using CodegenCicd.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// The database, not the job storage, is the source of truth (DESIGN.md): with in-memory job storage
/// a restart forgets queued jobs, so at start-up every delivery not yet processed is enqueued again.
/// The job's claim makes this harmless when the job still exists elsewhere.
/// </summary>
internal sealed partial class DeliveryRecovery(IServiceScopeFactory scopes, IBackgroundJobClient jobs, ILogger<DeliveryRecovery> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pending = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Received || d.Status == DeliveryStatus.Processing)
            .OrderBy(d => d.Id).Select(d => new { d.Id, d.Status }).Take(10_000).ToListAsync(cancellationToken);
        foreach (var delivery in pending)
        {
            if (delivery.Status == DeliveryStatus.Received)
            {
                WebhookIntake.Enqueue(jobs, delivery.Id);
            }
            else
            {
                // Another node may still be working on it; once its claim is abandoned, this run takes over.
                jobs.Schedule<WebhookDeliveryJob>(job => job.RunAsync(delivery.Id, CancellationToken.None),
                    WebhookDeliveryJob.AbandonedAfter + TimeSpan.FromSeconds(5));
            }
        }
        if (pending.Count > 0)
        {
            LogRecovered(logger, pending.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-enqueued {Count} webhook deliveries left unprocessed by the last run")]
    private static partial void LogRecovered(ILogger logger, int count);
}
