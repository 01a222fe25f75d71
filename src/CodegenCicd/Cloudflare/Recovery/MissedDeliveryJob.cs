using CodegenCicd.Data;
using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare.Recovery;

/// <summary>
/// GitHub does not retry a failed delivery by itself. Every run reads the App's delivery log for the
/// last few hours, finds GUIDs none of whose attempts succeeded and that are not stored here, and asks
/// GitHub to deliver each again. Idempotent by GUID: a GUID is asked at most
/// <see cref="MissedDeliveryOptions.MaxAttempts"/> times, an hour apart, and at most
/// <see cref="MissedDeliveryOptions.MaxPerRun"/> per run. What it found is listed on /Deliveries.
/// </summary>
public sealed partial class MissedDeliveryJob(
    AppDbContext db, DeliveryQueries deliveries, GitHubAppApi github, AppCredentialsProvider credentials,
    IOptions<MissedDeliveryOptions> options, TimeProvider time, ILogger<MissedDeliveryJob> logger)
{
    public const string RecurringJobId = "missed-delivery-recovery";
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromHours(1);

    /// <summary>Returns how many redeliveries it asked for.</summary>
    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 300)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || await credentials.GetAsync(cancellationToken) is not { CanAuthenticateAsApp: true })
        {
            return 0;
        }
        var now = time.GetUtcNow();
        var log = await github.ListHookDeliveriesAsync(now.AddHours(-settings.LookbackHours), cancellationToken);
        var failed = log.GroupBy(d => d.Guid)
            .Where(g => !g.Any(d => d.Succeeded))
            .Select(g => g.OrderByDescending(d => d.DeliveredAt).First()
                with { DeliveredAt = g.Min(d => d.DeliveredAt) })
            .ToList();
        if (failed.Count == 0)
        {
            return 0;
        }
        var guids = failed.Select(d => d.Guid).ToList();
        var stored = await deliveries.StoredAmongAsync(guids, cancellationToken);
        var known = await db.Set<MissedDelivery>()
            .Where(d => guids.Contains(d.DeliveryId))
            .ToDictionaryAsync(d => d.DeliveryId, cancellationToken);
        var asked = 0;
        foreach (var delivery in failed.Where(d => !stored.Contains(d.Guid)).OrderBy(d => d.DeliveredAt))
        {
            if (asked >= settings.MaxPerRun)
            {
                break;
            }
            if (!known.TryGetValue(delivery.Guid, out var row))
            {
                row = new MissedDelivery
                {
                    DeliveryId = delivery.Guid, Event = Cut(delivery.Event, 64), Action = Cut(delivery.Action, 64),
                    DeliveredAt = delivery.DeliveredAt, FoundAt = now,
                };
                db.Add(row);
            }
            else if (row.Attempts >= settings.MaxAttempts || row.LastRequestedAt > now - AskAgainAfter)
            {
                continue;
            }
            row.HookDeliveryId = delivery.Id;
            row.StatusCode = delivery.StatusCode;
            row.Attempts++;
            row.LastRequestedAt = now;
            try
            {
                await github.RedeliverAsync(delivery.Id, cancellationToken);
                row.Error = null;
                LogRedelivered(logger, delivery.Guid, delivery.Event);
            }
            catch (GitHubApiException ex)
            {
                row.Error = Cut(ex.Message, 2000);
                LogRedeliveryFailed(logger, delivery.Guid, ex.Message);
            }
            asked++;
            // Saved per GUID: a crash half-way never asks twice for the ones already asked.
            await db.SaveChangesAsync(cancellationToken);
        }
        return asked;
    }

    private static string? Cut(string? text, int max) =>
        text is { Length: > 0 } && text.Length > max ? text[..max] : text;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Asked GitHub to redeliver missed delivery {DeliveryId} ({Event})")]
    private static partial void LogRedelivered(ILogger logger, string deliveryId, string? @event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHub refused to redeliver {DeliveryId}: {Error}")]
    private static partial void LogRedeliveryFailed(ILogger logger, string deliveryId, string error);
}
