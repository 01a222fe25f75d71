using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CodegenCicd.Data;

/// <summary>
/// Sets <c>synchronous=NORMAL</c> on every SQLite connection: in WAL mode a commit then appends to
/// the WAL without an fsync, and the WAL is synced at checkpoints. The database stays consistent
/// after any crash; a process crash loses nothing, only an OS crash or power cut can roll back the
/// last commits. The one write that must survive even that, a batch of webhook deliveries before
/// GitHub is answered, sets <c>synchronous=FULL</c> on its connection (GitHub/Webhooks/Intake/DeliveryBatchCommit;
/// <see cref="SaveChangesDurablyAsync"/> does the same for an EF save): one sync per batch, not per
/// delivery, and it also makes every earlier commit durable.
/// <para>
/// Each connection also reads the database file through a memory map (<c>mmap_size</c>, up to 1 GiB of address
/// space, not memory): pages come straight from the OS page cache that all pooled connections share, instead of
/// being copied by <c>pread</c> into each connection's own 2 MB cache, which a 100,000-run database overflows on every
/// dashboard read. GET /api/projects on that database: 18.6 → 14 ms. Writes still go through the WAL.
/// </para>
/// <para>
/// The WAL is copied back into the database file every 250 pages (1 MB) instead of SQLite's 1,000, by the commit that
/// fills it: under a burst of webhook deliveries that commit is the batch writer's, and every request of its batch
/// waits for the copy. Webhook intake's p99 under the peers benchmark's load, by pages between checkpoints: 4,000:
/// 19–20 ms; 1,000: 10–11 ms; 500: 8.6–12.7 ms; 250: 7.4–9.6 ms; 100: 10.8–12 ms, with more CPU per delivery.
/// Checkpointing from a background loop instead made it worse (33 ms: its I/O stalled the writer's sync).
/// </para>
/// </summary>
public sealed class SqliteWalDurability : DbConnectionInterceptor
{
    private const string Pragma =
        "PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824; PRAGMA wal_autocheckpoint=250;";

    public static SqliteWalDurability Instance { get; } = new();

    private SqliteWalDurability()
    {
    }

    /// <summary>
    /// Saves with <c>synchronous=FULL</c> on SQLite (the commit is on disk when this returns); a plain
    /// save elsewhere. The connection goes back to NORMAL the next time it is opened.
    /// </summary>
    public static async Task<int> SaveChangesDurablyAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return await db.SaveChangesAsync(cancellationToken);
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL;", cancellationToken);
            return await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
