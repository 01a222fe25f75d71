using System.Collections.Concurrent;
using Hangfire;

namespace CodegenCicd.GitHub.Webhooks.Dispatch;

/// <summary>
/// Runs stored deliveries without a job per delivery: claims the oldest in batches (see
/// <see cref="DeliveryClaims"/>), runs each repository's claimed deliveries one after another, in the order
/// they arrived, and different repositories (and deliveries without one) side by side. Woken by each
/// committed batch; also looks every <see cref="PollInterval"/> for deliveries stored by other nodes and
/// for abandoned claims. A delivery whose handlers fail is marked Failed and retried by
/// <see cref="WebhookDeliveryJob"/> with back-off, so one bad delivery does not hold up its repository.
/// </summary>
internal sealed partial class DeliveryDispatcher(
    IServiceScopeFactory scopes, DispatchSignal signal, IBackgroundJobClient jobs, ILogger<DeliveryDispatcher> logger)
    : BackgroundService
{
    /// <summary>Deliveries claimed and not yet finished, at most (on this node).</summary>
    internal const int MaxClaimed = 64;

    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan LeaseCheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>Repositories processed side by side: handlers mostly wait on the database and on GitHub.</summary>
    private readonly SemaphoreSlim lanes = new(Math.Max(4, Environment.ProcessorCount * 2));

    /// <summary>This node's claimed deliveries and their repositories.</summary>
    private readonly ConcurrentDictionary<long, string?> claimed = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        var leasesCheckedAt = DateTimeOffset.MinValue;
        var claimable = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(t => t.IsCompleted);
                if (DateTimeOffset.UtcNow - leasesCheckedAt > LeaseCheckInterval)
                {
                    leasesCheckedAt = DateTimeOffset.UtcNow;
                    await ReclaimAbandonedAsync(stoppingToken);
                }
                var room = MaxClaimed - claimed.Count;
                if (claimable && room > 0 && await ClaimAsync(room, stoppingToken) is { Count: > 0 } batch)
                {
                    foreach (var lane in Lanes(batch))
                    {
                        running.Add(RunLaneAsync(lane, stoppingToken));
                    }
                    if (batch.Count == room)
                    {
                        continue; // there may be more waiting
                    }
                }
                claimable = await signal.WaitAsync(PollInterval, RunningRepositories, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be briefly unavailable; deliveries stay stored and are claimed later.
                LogDispatchFailed(logger, ex);
                await Task.Delay(PollInterval, CancellationToken.None);
                claimable = true;
            }
        }
        await Task.WhenAll(running);
    }

    private IReadOnlySet<string> RunningRepositories() =>
        claimed.Values.OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>One lane per repository (in claim order); a delivery without a repository is a lane alone.</summary>
    private static IEnumerable<List<long>> Lanes(List<ClaimedDelivery> batch) =>
        batch.GroupBy(d => d.Repository ?? $"#{d.Id}", StringComparer.Ordinal)
            .Select(g => g.Select(d => d.Id).ToList());

    private async Task<List<ClaimedDelivery>> ClaimAsync(int room, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var batch = await scope.ServiceProvider.GetRequiredService<DeliveryClaims>().ClaimAsync(room, stoppingToken);
        foreach (var delivery in batch)
        {
            claimed[delivery.Id] = delivery.Repository;
        }
        return batch;
    }

    private async Task ReclaimAbandonedAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var running = claimed.Keys.ToHashSet();
        var claims = scope.ServiceProvider.GetRequiredService<DeliveryClaims>();
        if (await claims.ReclaimAbandonedAsync(running, all: false, stoppingToken) > 0)
        {
            signal.Wake();
        }
    }

    /// <summary>
    /// Runs a repository's claimed deliveries in order. Each outcome is written with the next batch while the
    /// lane goes on; the lane's claims stay Processing until their outcomes are recorded.
    /// </summary>
    private async Task RunLaneAsync(List<long> ids, CancellationToken stoppingToken)
    {
        var next = 0;
        var recording = new List<Task>(ids.Count);
        try
        {
            await lanes.WaitAsync(stoppingToken);
            try
            {
                IReadOnlyDictionary<long, StoredDelivery> stored;
                await using (var reading = scopes.CreateAsyncScope())
                {
                    stored = await reading.ServiceProvider.GetRequiredService<DeliveryProcessor>()
                        .ReadClaimedAsync(ids, stoppingToken);
                }
                for (; next < ids.Count; next++)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var processor = scope.ServiceProvider.GetRequiredService<DeliveryProcessor>();
                    // A delivery no longer stored (deleted since it was claimed) has nothing to run.
                    var run = stored.TryGetValue(ids[next], out var delivery)
                        ? await processor.ProcessAsync(delivery, stoppingToken)
                        : new DeliveryRun(null, Task.CompletedTask);
                    recording.Add(AfterRecordedAsync(ids[next], run));
                }
            }
            finally
            {
                lanes.Release();
            }
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogLaneFailed(logger, ex);
            }
            // Stopping, or the database failed: what the lane has not run goes back, to be claimed in order.
            var unfinished = ids.Skip(next).ToList();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DeliveryClaims>().ReleaseAsync(unfinished);
            }
            catch (Exception release)
            {
                LogLaneFailed(logger, release); // the claims expire instead (see WebhookDeliveryJob.AbandonedAfter)
            }
            foreach (var id in unfinished)
            {
                claimed.TryRemove(id, out _);
            }
        }
        await Task.WhenAll(recording);
        signal.Wake();
    }

    /// <summary>Once the outcome is durable the delivery leaves this node's claims; a failed one is retried later.</summary>
    private async Task AfterRecordedAsync(long id, DeliveryRun run)
    {
        try
        {
            await run.Recorded;
            if (run.Failure is not null)
            {
                WebhookDeliveryJob.ScheduleRetry(jobs, id);
            }
        }
        catch (Exception ex)
        {
            // Stopping, or the database failed: the claim goes back so the delivery runs again (its handlers are
            // written to run twice safely); if even that fails, it runs again once the claim expires
            // (WebhookDeliveryJob.AbandonedAfter), or at the next start on SQLite.
            LogOutcomeNotRecorded(logger, ex, id);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DeliveryClaims>().ReleaseAsync([id]);
            }
            catch (Exception release)
            {
                LogLaneFailed(logger, release);
            }
        }
        claimed.TryRemove(id, out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming webhook deliveries failed; trying again shortly")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The outcome of webhook delivery row {Id} was not recorded; it will run again")]
    private static partial void LogOutcomeNotRecorded(ILogger logger, Exception exception, long id);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Processing claimed webhook deliveries failed; their claims are given back")]
    private static partial void LogLaneFailed(ILogger logger, Exception exception);
}
