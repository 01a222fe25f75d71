using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// Recurring: deletes deliveries received more than <c>Webhooks:RetentionDays</c> ago that are
/// finished, so the table (each row keeps the whole payload) does not grow forever. Safe to run twice.
/// </summary>
/// <remarks>
/// Failed deliveries go too once past the retention: they stay on <c>/deliveries</c>, with their
/// error and a way to run them again, for the whole period, and a delivery that old would act on pull
/// requests that have long moved on (GitHub itself offers redelivery for only three days).
/// Received and Processing deliveries are never deleted, however old: the delivery job and the
/// start-up recovery own them, and deleting one under them would lose the event.
/// </remarks>
public sealed partial class WebhookRetentionJob(
    AppDbContext db, DeliveryWriteGate gate, IOptions<WebhookOptions> options, TimeProvider time,
    ILogger<WebhookRetentionJob> logger)
{
    public const string RecurringJobId = "webhook-deliveries-retention";

    /// <summary>
    /// Rows per DELETE: each batch is a short transaction, so SQLite's single writer is free between batches
    /// for new deliveries.
    /// </summary>
    internal const int BatchSize = 500;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
        var total = 0;
        var after = 0L;
        while (true)
        {
            // SQLite cannot compare DateTimeOffset columns in SQL, so the age is checked here, oldest
            // first: ids grow with ReceivedAt, and a batch with nothing old enough means none follow.
            var batch = await db.Set<WebhookDelivery>().AsNoTracking()
                .Where(d => d.Id > after && (d.Status == DeliveryStatus.Processed || d.Status == DeliveryStatus.Failed))
                .OrderBy(d => d.Id).Take(BatchSize).Select(d => new { d.Id, d.ReceivedAt })
                .ToListAsync(cancellationToken);
            var expired = batch.Where(d => d.ReceivedAt < cutoff).Select(d => d.Id).ToList();
            if (expired.Count == 0)
            {
                break;
            }
            // The status is checked again in the DELETE: "run again" may have just reset one to Received.
            total += await gate.RunAsync(db, () => db.Set<WebhookDelivery>()
                .Where(d => expired.Contains(d.Id)
                    && (d.Status == DeliveryStatus.Processed || d.Status == DeliveryStatus.Failed))
                .ExecuteDeleteAsync(cancellationToken), cancellationToken);
            after = batch[^1].Id;
        }
        if (total > 0)
        {
            LogDeleted(logger, total, options.Value.RetentionDays);
        }
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Deleted {Count} finished webhook deliveries older than {Days} days")]
    private static partial void LogDeleted(ILogger logger, int count, int days);
}
