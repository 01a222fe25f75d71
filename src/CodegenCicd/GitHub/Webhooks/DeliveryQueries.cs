using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>One delivery in a list: what arrived and what became of it (the body is not loaded).</summary>
public sealed record DeliveryListItem(long Id, string DeliveryId, string Event, string? Action, string? Repository,
    DeliveryStatus Status, int Attempts, DateTimeOffset ReceivedAt, int? ProcessingMilliseconds, string? Error);

/// <summary>
/// The read side of stored webhook deliveries for other features (the <c>receive</c> command, the
/// Cloudflare gateway and its recovery, the pages), so only GitHub/ queries the delivery table.
/// </summary>
public sealed class DeliveryQueries(AppDbContext db)
{
    private IQueryable<WebhookDelivery> Deliveries => db.Set<WebhookDelivery>().AsNoTracking();

    /// <summary>The delivery with GitHub's id (<c>X-GitHub-Delivery</c>), untracked, or null.</summary>
    public Task<WebhookDelivery?> FindAsync(string deliveryId, CancellationToken cancellationToken) =>
        Deliveries.FirstOrDefaultAsync(d => d.DeliveryId == deliveryId, cancellationToken);

    public Task<bool> IsStoredAsync(string deliveryId, CancellationToken cancellationToken) =>
        Deliveries.AnyAsync(d => d.DeliveryId == deliveryId, cancellationToken);

    /// <summary>Which of these delivery ids are stored already.</summary>
    public Task<List<string>> StoredAmongAsync(
        IReadOnlyCollection<string> deliveryIds, CancellationToken cancellationToken) =>
        Deliveries.Where(d => deliveryIds.Contains(d.DeliveryId))
            .Select(d => d.DeliveryId)
            .ToListAsync(cancellationToken);

    /// <summary>The newest deliveries, newest first.</summary>
    public Task<List<DeliveryListItem>> NewestAsync(int count, CancellationToken cancellationToken) =>
        Deliveries.OrderByDescending(d => d.Id).Take(count)
            .Select(d => new DeliveryListItem(d.Id, d.DeliveryId, d.Event, d.Action, d.RepositoryFullName, d.Status,
                d.Attempts, d.ReceivedAt, d.ProcessingMilliseconds, d.Error))
            .ToListAsync(cancellationToken);
}
