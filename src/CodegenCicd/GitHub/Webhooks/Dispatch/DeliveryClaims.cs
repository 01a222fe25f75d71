using System.Globalization;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CodegenCicd.GitHub.Webhooks.Dispatch;

/// <summary>A delivery this node has claimed: its status is Processing, and it is this node's to run.</summary>
public sealed record ClaimedDelivery(long Id, string? Repository);

/// <summary>
/// Claims stored deliveries for the dispatcher, many per statement. The claim is the lease: status
/// Processing with <see cref="WebhookDelivery.StartedAt"/>; a claim older than
/// <see cref="WebhookDeliveryJob.AbandonedAfter"/> counts as abandoned (its node died) and goes back to
/// Received. A repository's deliveries keep their order across nodes: none of a repository is claimed
/// while another of it is being processed, and the oldest are claimed first.
/// </summary>
public sealed class DeliveryClaims(AppDbContext db, DeliveryWriteGate gate, TimeProvider time)
{
    /// <summary>Serialises claims across nodes on PostgreSQL (a transaction-scoped advisory lock).</summary>
    private const long ClaimLockKey = 0x436F_6465_6748_6F6B; // "CodegHok"

    /// <summary>Claims up to <paramref name="limit"/> of the oldest claimable deliveries, oldest first.</summary>
    public async Task<List<ClaimedDelivery>> ClaimAsync(int limit, CancellationToken cancellationToken) =>
        await gate.RunAsync(db, () => ClaimNowAsync(limit, cancellationToken), cancellationToken);

    private async Task<List<ClaimedDelivery>> ClaimNowAsync(int limit, CancellationToken cancellationToken)
    {
        var table = DeliveryTable.For(db);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!db.Database.IsSqlite())
            {
                // Two nodes claiming at once could each see a repository idle and take two of its deliveries.
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ClaimLockKey})", cancellationToken);
            }
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = ClaimSql(table);
            table.Parameter(command, "@processing", nameof(WebhookDelivery.Status), DeliveryStatus.Processing);
            table.Parameter(command, "@now", nameof(WebhookDelivery.StartedAt), time.GetUtcNow());
            table.Parameter(command, "@limit", nameof(WebhookDelivery.Attempts), limit);
            var claimed = new List<ClaimedDelivery>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    claimed.Add(new ClaimedDelivery(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                        reader.IsDBNull(1) ? null : reader.GetString(1)));
                }
            }
            await transaction.CommitAsync(cancellationToken);
            return claimed.OrderBy(c => c.Id).ToList();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The claim: marks the oldest claimable deliveries Processing and returns them. The busy repositories are
    /// one uncorrelated list (a few dozen claims at most), and the index on (Status, Id, RepositoryFullName)
    /// holds all the scan reads: a backlog of thousands of one busy repository costs a pass over index entries,
    /// not a row lookup and a probe per delivery. The statuses it looks for are literals: the index holds only
    /// deliveries with work left, and a planner can use it only for values it sees.
    /// </summary>
    internal static string ClaimSql(DeliveryTable table)
    {
        string C(string property) => table.Column(property);
        var (id, status, repository) = (C(nameof(WebhookDelivery.Id)), C(nameof(WebhookDelivery.Status)),
            C(nameof(WebhookDelivery.RepositoryFullName)));
        return $"UPDATE {table.Name} SET {status} = @processing, {C(nameof(WebhookDelivery.Attempts))} = "
            + $"{C(nameof(WebhookDelivery.Attempts))} + 1, {C(nameof(WebhookDelivery.StartedAt))} = @now, "
            + $"{C(nameof(WebhookDelivery.Error))} = NULL "
            + $"WHERE {id} IN (SELECT d.{id} FROM {table.Name} AS d WHERE d.{status} = '{DeliveryStatus.Received}' "
            + $"AND (d.{repository} IS NULL OR d.{repository} NOT IN (SELECT busy.{repository} "
            + $"FROM {table.Name} AS busy WHERE busy.{status} = '{DeliveryStatus.Processing}' "
            + $"AND busy.{repository} IS NOT NULL)) "
            + $"ORDER BY d.{id} LIMIT @limit) "
            + $"RETURNING {id}, {repository}";
    }

    /// <summary>Gives claims back (the node stops before it ran them): they are claimed again, in order.</summary>
    public Task ReleaseAsync(IReadOnlyCollection<long> ids) =>
        gate.RunAsync(db, () => db.Set<WebhookDelivery>()
            .Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Processing)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Received), CancellationToken.None),
            CancellationToken.None);

    /// <summary>
    /// Puts abandoned claims back to Received, except those in <paramref name="running"/> (this node's own,
    /// however long they take). <paramref name="all"/> takes every claim as abandoned: on SQLite at start-up,
    /// where this process is the only one, a Processing row can only be left over from a crash.
    /// </summary>
    public async Task<int> ReclaimAbandonedAsync(
        IReadOnlySet<long> running, bool all, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - WebhookDeliveryJob.AbandonedAfter;
        // SQLite cannot compare DateTimeOffset columns in SQL, so the age is checked here: claims are few.
        var claims = await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Processing)
            .Select(d => new { d.Id, d.Attempts, d.StartedAt }).ToListAsync(cancellationToken);
        var reclaimed = 0;
        var abandoned = claims.Where(c => !running.Contains(c.Id)
            && (all || c.StartedAt is null || c.StartedAt < cutoff));
        foreach (var claim in abandoned)
        {
            // Compare-and-set on the attempt count: a claim renewed in the meantime is not taken.
            reclaimed += await gate.RunAsync(db, () => db.Set<WebhookDelivery>()
                .Where(d => d.Id == claim.Id && d.Status == DeliveryStatus.Processing && d.Attempts == claim.Attempts)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Received), cancellationToken),
                cancellationToken);
        }
        return reclaimed;
    }
}
