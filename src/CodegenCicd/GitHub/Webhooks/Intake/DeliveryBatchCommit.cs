using System.Data.Common;
using System.Globalization;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>What became of one delivery in a batch: its row id, and whether this batch inserted it.</summary>
public readonly record struct StoredDelivery(long Id, bool Inserted);

/// <summary>A delivery's row and its body (compressed, see <see cref="WebhookDeliveryPayload"/>), stored together.</summary>
public sealed record NewDelivery(WebhookDelivery Row, byte[] Body, int Length);

/// <summary>What became of a processed delivery, recorded on its row.</summary>
public sealed record DeliveryOutcome(
    long Id, DeliveryStatus Status, DateTimeOffset CompletedAt, int ProcessingMilliseconds, string? Error);

/// <summary>
/// Writes the group-commit writer's batches: new deliveries and outcomes, one transaction and one sync each, in
/// plain ADO.NET: <c>INSERT … ON CONFLICT ("DeliveryId") DO NOTHING RETURNING "Id"</c> (SQLite and PostgreSQL
/// alike), so a duplicate <c>X-GitHub-Delivery</c> is settled by the unique index instead of failing the batch, and
/// no change tracking is paid for rows nobody reads back.
/// <para>
/// The connection is opened once and kept, with its statements, for as long as the writer runs. Opening a pooled
/// connection per batch (EF's open and close, the connection's pragmas, <c>synchronous</c> set again, every
/// statement parsed again) took about 7 % of the app's CPU per delivery under the peers benchmark. A batch that fails
/// closes it; the next batch opens a new one. Only the writer calls this, one batch at a time.
/// </para>
/// </summary>
internal sealed class DeliveryBatchCommit(IServiceScopeFactory scopes, DeliveryWriteGate gate, IDeliveryCommitHook hook)
    : IAsyncDisposable
{
    private KeptConnection? kept;

    /// <summary>
    /// Inserts the new deliveries, records the outcomes and commits it all in one transaction. With new deliveries
    /// the commit is durable when this returns (SQLite: <c>synchronous=FULL</c>; its WAL sync also makes every
    /// earlier commit durable); a batch of outcomes alone keeps <c>NORMAL</c>, as outcomes had when each was written
    /// on its own: a lost outcome only means the delivery runs again. Results follow the new deliveries' order.
    /// </summary>
    public async Task<StoredDelivery[]> RunAsync(IReadOnlyList<NewDelivery> batch, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        var connection = kept ??= await KeptConnection.OpenAsync(scopes);
        try
        {
            // Not cancellable: once started, a batch is finished so that every waiting request learns its outcome.
            return await gate.RunAsync(connection.Db, () => WriteAsync(connection, batch, outcomes), CancellationToken.None);
        }
        catch
        {
            // Whatever broke (the disk, the database, the connection) is not kept: the next batch starts afresh.
            kept = null;
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<StoredDelivery[]> WriteAsync(
        KeptConnection connection, IReadOnlyList<NewDelivery> batch, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        await connection.SyncEachCommitAsync(batch.Count > 0);
        await using var transaction = await connection.BeginAsync();
        var results = await InsertAsync(connection, batch);
        await RecordAsync(connection, outcomes);
        if (batch.Count > 0)
        {
            await hook.BeforeCommitAsync(batch.Select(d => d.Row.DeliveryId).ToList(), transaction);
        }
        await transaction.CommitAsync();
        return results;
    }

    private static async Task<StoredDelivery[]> InsertAsync(KeptConnection connection, IReadOnlyList<NewDelivery> batch)
    {
        var results = new StoredDelivery[batch.Count];
        var insert = connection.Insert;
        for (var i = 0; i < batch.Count; i++)
        {
            var delivery = batch[i].Row;
            insert.Set(delivery.DeliveryId, delivery.Event, delivery.Action, delivery.InstallationId,
                delivery.RepositoryFullName, delivery.HookId, delivery.Status, delivery.Attempts,
                delivery.ReceivedAt, delivery.CompletedAt);
            if (await insert.Command.ExecuteScalarAsync() is { } inserted and not DBNull)
            {
                var rowId = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
                connection.InsertPayload.Set(rowId, batch[i].Body, batch[i].Length);
                await connection.InsertPayload.Command.ExecuteNonQueryAsync();
                results[i] = new StoredDelivery(rowId, Inserted: true);
                continue;
            }
            // The unique index holds this delivery id already (stored earlier, or earlier in this batch).
            connection.Existing.Set(delivery.DeliveryId);
            var stored = await connection.Existing.Command.ExecuteScalarAsync();
            results[i] = new StoredDelivery(Convert.ToInt64(stored, CultureInfo.InvariantCulture), Inserted: false);
        }
        return results;
    }

    private static async Task RecordAsync(KeptConnection connection, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            connection.RecordOutcome.Set(outcome.Status, outcome.CompletedAt, outcome.ProcessingMilliseconds,
                outcome.Error, outcome.Id);
            await connection.RecordOutcome.Command.ExecuteNonQueryAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (kept is { } connection)
        {
            kept = null;
            await connection.DisposeAsync();
        }
    }

    /// <summary>One statement, made once, with its parameters typed by the EF mapping of the columns they fill.</summary>
    private sealed class Statement(DbCommand command, DeliveryTable table, string[] properties)
    {
        private readonly DbParameter[] parameters =
            properties.Select((property, i) => table.Parameter(command, "@p" + i, property)).ToArray();

        public DbCommand Command => command;

        public void Set(params ReadOnlySpan<object?> values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                table.SetValue(parameters[i], properties[i], values[i]);
            }
        }

        public static Statement Make(DbConnection connection, DeliveryTable table, string sql, params string[] properties)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return new Statement(command, table, properties);
        }
    }

    /// <summary>The writer's connection, on a DbContext of its own (its pragmas come from the usual interceptor).</summary>
    private sealed class KeptConnection : IAsyncDisposable
    {
        private static readonly string[] DeliveryColumns =
        [
            nameof(WebhookDelivery.DeliveryId), nameof(WebhookDelivery.Event), nameof(WebhookDelivery.Action),
            nameof(WebhookDelivery.InstallationId), nameof(WebhookDelivery.RepositoryFullName),
            nameof(WebhookDelivery.HookId), nameof(WebhookDelivery.Status), nameof(WebhookDelivery.Attempts),
            nameof(WebhookDelivery.ReceivedAt), nameof(WebhookDelivery.CompletedAt),
        ];

        private readonly AsyncServiceScope scope;
        private readonly DbConnection connection;
        private readonly bool sqlite;
        private readonly DbCommand[] commands;
        private DbCommand? syncFull;
        private DbCommand? syncNormal;
        private bool syncing;

        private KeptConnection(AsyncServiceScope scope, AppDbContext db)
        {
            this.scope = scope;
            Db = db;
            connection = db.Database.GetDbConnection();
            sqlite = db.Database.IsSqlite();
            var deliveries = DeliveryTable.For(db);
            var payloads = DeliveryTable.PayloadsFor(db);
            string D(string property) => deliveries.Column(property);
            string P(string property) => payloads.Column(property);

            Insert = Statement.Make(connection, deliveries,
                $"INSERT INTO {deliveries.Name} ({string.Join(", ", DeliveryColumns.Select(D))}) "
                + $"VALUES ({string.Join(", ", DeliveryColumns.Select((_, i) => "@p" + i))}) "
                + $"ON CONFLICT ({D(nameof(WebhookDelivery.DeliveryId))}) DO NOTHING RETURNING {D(nameof(WebhookDelivery.Id))}",
                DeliveryColumns);
            Existing = Statement.Make(connection, deliveries,
                $"SELECT {D(nameof(WebhookDelivery.Id))} FROM {deliveries.Name} "
                + $"WHERE {D(nameof(WebhookDelivery.DeliveryId))} = @p0",
                nameof(WebhookDelivery.DeliveryId));
            InsertPayload = Statement.Make(connection, payloads,
                $"INSERT INTO {payloads.Name} ({P(nameof(WebhookDeliveryPayload.Id))}, "
                + $"{P(nameof(WebhookDeliveryPayload.Body))}, {P(nameof(WebhookDeliveryPayload.Length))}) "
                + "VALUES (@p0, @p1, @p2)",
                nameof(WebhookDeliveryPayload.Id), nameof(WebhookDeliveryPayload.Body),
                nameof(WebhookDeliveryPayload.Length));
            RecordOutcome = Statement.Make(connection, deliveries,
                $"UPDATE {deliveries.Name} SET {D(nameof(WebhookDelivery.Status))} = @p0, "
                + $"{D(nameof(WebhookDelivery.CompletedAt))} = @p1, "
                + $"{D(nameof(WebhookDelivery.ProcessingMilliseconds))} = @p2, "
                + $"{D(nameof(WebhookDelivery.Error))} = @p3 WHERE {D(nameof(WebhookDelivery.Id))} = @p4",
                nameof(WebhookDelivery.Status), nameof(WebhookDelivery.CompletedAt),
                nameof(WebhookDelivery.ProcessingMilliseconds), nameof(WebhookDelivery.Error), nameof(WebhookDelivery.Id));
            commands = [Insert.Command, Existing.Command, InsertPayload.Command, RecordOutcome.Command];
        }

        public AppDbContext Db { get; }

        public Statement Insert { get; }

        public Statement Existing { get; }

        public Statement InsertPayload { get; }

        public Statement RecordOutcome { get; }

        public static async Task<KeptConnection> OpenAsync(IServiceScopeFactory scopes)
        {
            var scope = scopes.CreateAsyncScope();
            try
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                // Opened through EF, so SqliteWalDurability sets the connection's pragmas (synchronous=NORMAL).
                await db.Database.OpenConnectionAsync();
                return new KeptConnection(scope, db);
            }
            catch
            {
                await scope.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// SQLite: whether each commit syncs the WAL (<c>synchronous=FULL</c>) or leaves that to checkpoints
        /// (<c>NORMAL</c>); switched only when it changes. PostgreSQL's commits are always durable.
        /// </summary>
        public async Task SyncEachCommitAsync(bool sync)
        {
            if (!sqlite || sync == syncing)
            {
                return;
            }
            var pragma = sync
                ? syncFull ??= Pragma("PRAGMA synchronous=FULL;")
                : syncNormal ??= Pragma("PRAGMA synchronous=NORMAL;");
            await pragma.ExecuteNonQueryAsync();
            syncing = sync;
        }

        /// <summary>Begins a transaction that every statement runs in.</summary>
        public async Task<DbTransaction> BeginAsync()
        {
            var transaction = await connection.BeginTransactionAsync();
            foreach (var command in commands)
            {
                command.Transaction = transaction;
            }
            return transaction;
        }

        private DbCommand Pragma(string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in commands.Append(syncFull).Append(syncNormal).OfType<DbCommand>())
            {
                await command.DisposeAsync();
            }
            await Db.Database.CloseConnectionAsync();
            await scope.DisposeAsync();
        }
    }
}
