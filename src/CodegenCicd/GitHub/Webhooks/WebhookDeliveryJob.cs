using System.Runtime.ExceptionServices;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks.Dispatch;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// Retries a failed delivery (the dispatcher schedules it once a delivery's handlers failed; jobs enqueued
/// by earlier versions land here too). Safe to run twice: a processed delivery is skipped, and a
/// compare-and-set on (status, attempts) lets only one worker claim it. A failure is recorded on the row
/// and rethrown so Hangfire retries with back-off.
/// </summary>
[AutomaticRetry(Attempts = 5)]
public sealed class WebhookDeliveryJob(
    AppDbContext db, DeliveryProcessor processor, DeliveryWriteGate gate, TimeProvider time)
{
    /// <summary>A claim older than this is taken as abandoned (the worker died) and may be claimed again.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(15);

    /// <summary>How long after a failure the first retry runs (Hangfire's back-off follows).</summary>
    public static readonly TimeSpan FirstRetryAfter = TimeSpan.FromSeconds(15);

    public async Task RunAsync(long id, CancellationToken cancellationToken)
    {
        var delivery = await db.Set<WebhookDelivery>().AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null || !await TryClaimAsync(delivery, cancellationToken))
        {
            return;
        }
        var run = await processor.ProcessClaimedAsync(id, cancellationToken);
        await run.Recorded;
        if (run.Failure is { } failure)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <summary>Schedules the retry of a delivery whose handlers failed.</summary>
    public static void ScheduleRetry(IBackgroundJobClient jobs, long id) =>
        jobs.Schedule<WebhookDeliveryJob>(job => job.RunAsync(id, CancellationToken.None), FirstRetryAfter);

    private async Task<bool> TryClaimAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        // Received deliveries are the dispatcher's (it keeps each repository's order); this job takes
        // failed ones, and the rare Received one only when it was enqueued by an earlier version.
        var claimable = delivery.Status is DeliveryStatus.Received or DeliveryStatus.Failed
            || (delivery.Status == DeliveryStatus.Processing && delivery.StartedAt < time.GetUtcNow() - AbandonedAfter);
        if (!claimable)
        {
            return false;
        }
        var now = time.GetUtcNow();
        var claimed = await gate.RunAsync(db, () => db.Set<WebhookDelivery>()
            .Where(d => d.Id == delivery.Id && d.Status == delivery.Status && d.Attempts == delivery.Attempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Processing)
                .SetProperty(d => d.Attempts, delivery.Attempts + 1)
                .SetProperty(d => d.StartedAt, now)
                .SetProperty(d => d.Error, (string?)null), cancellationToken), cancellationToken);
        return claimed == 1;
    }
}
