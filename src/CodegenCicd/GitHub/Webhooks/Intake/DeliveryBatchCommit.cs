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
    : IDisposable
{
    private KeptConnection? kept;

    /// <summary>
    /// Inserts the new deliveries, records the outcomes and commits it all in one transaction. With new deliveries
    /// the commit is durable when this returns (SQLite: <c>synchronous=FULL</c>; its WAL sync also makes every
    /// earlier commit durable); a batch of outcomes alone keeps <c>NORMAL</c>, as outcomes had when each was written
    /// on its own: a lost outcome only means the delivery runs again. Results follow the new deliveries' order.
    /// </summary>
    public StoredDelivery[] Run(IReadOnlyList<NewDelivery> batch, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        var connection = kept ??= KeptConnection.Open(scopes);
        try
        {
            // Not cancellable: once started, a batch is finished so that every waiting request learns its outcome.
            return gate.Run(connection.Db, () => Write(connection, batch, outcomes));
        }
        catch
        {
            // Whatever broke (the disk, the database, the connection) is not kept: the next batch starts afresh.
            kept = null;
            connection.Dispose();
            throw;
        }
    }

    private StoredDelivery[] Write(
        KeptConnection connection, IReadOnlyList<NewDelivery> batch, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        connection.SyncEachCommit(batch.Count > 0);
        using var transaction = connection.Begin();
        var results = Insert(connection, batch);
        Record(connection, outcomes);
        if (batch.Count > 0)
        {
            // The writer has a thread of its own: waiting for a test's hook holds nobody else up.
            hook.BeforeCommitAsync(batch.Select(d => d.Row.DeliveryId).ToList(), transaction).GetAwaiter().GetResult();
        }
        transaction.Commit();
        return results;
    }

    private static StoredDelivery[] Insert(KeptConnection connection, IReadOnlyList<NewDelivery> batch)
    {
        var results = new StoredDelivery[batch.Count];
        var insert = connection.Insert;
        for (var i = 0; i < batch.Count; i++)
        {
            var delivery = batch[i].Row;
            insert.Set(delivery.DeliveryId, delivery.Event, delivery.Action, delivery.InstallationId,
                delivery.RepositoryFullName, delivery.HookId, delivery.Status, delivery.Attempts,
                delivery.ReceivedAt, delivery.CompletedAt);
            if (insert.Command.ExecuteScalar() is { } inserted and not DBNull)
            {
                var rowId = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
                connection.InsertPayload.Set(rowId, batch[i].Body, batch[i].Length);
                connection.InsertPayload.Command.ExecuteNonQuery();
                results[i] = new StoredDelivery(rowId, Inserted: true);
                continue;
            }
            // The unique index holds this delivery id already (stored earlier, or earlier in this batch).
            connection.Existing.Set(delivery.DeliveryId);
            var stored = connection.Existing.Command.ExecuteScalar();
            results[i] = new StoredDelivery(Convert.ToInt64(stored, CultureInfo.InvariantCulture), Inserted: false);
        }
        return results;
    }

    private static void Record(KeptConnection connection, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            connection.RecordOutcome.Set(outcome.Status, outcome.CompletedAt, outcome.ProcessingMilliseconds,
                outcome.Error, outcome.Id);
            connection.RecordOutcome.Command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        kept?.Dispose();
        kept = null;
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
    private sealed class KeptConnection : IDisposable
    {
        private static readonly string[] DeliveryColumns =
        [
            nameof(WebhookDelivery.DeliveryId), nameof(WebhookDelivery.Event), nameof(WebhookDelivery.Action),
            nameof(WebhookDelivery.InstallationId), nameof(WebhookDelivery.RepositoryFullName),
            nameof(WebhookDelivery.HookId), nameof(WebhookDelivery.Status), nameof(WebhookDelivery.Attempts),
            nameof(WebhookDelivery.ReceivedAt), nameof(WebhookDelivery.CompletedAt),
        ];

        private readonly IServiceScope scope;
        private readonly DbConnection connection;
        private readonly bool sqlite;
        private readonly DbCommand[] commands;
        private DbCommand? syncFull;
        private DbCommand? syncNormal;
        private bool syncing;

        private KeptConnection(IServiceScope scope, AppDbContext db)
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

        public static KeptConnection Open(IServiceScopeFactory scopes)
        {
            var scope = scopes.CreateScope();
            try
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                // Opened through EF, so SqliteWalDurability sets the connection's pragmas (synchronous=NORMAL).
                db.Database.OpenConnection();
                return new KeptConnection(scope, db);
            }
            catch
            {
                scope.Dispose();
                throw;
            }
        }

        /// <summary>
        /// SQLite: whether each commit syncs the WAL (<c>synchronous=FULL</c>) or leaves that to checkpoints
        /// (<c>NORMAL</c>); switched only when it changes. PostgreSQL's commits are always durable.
        /// </summary>
        public void SyncEachCommit(bool sync)
        {
            if (!sqlite || sync == syncing)
            {
                return;
            }
            var pragma = sync
                ? syncFull ??= Pragma("PRAGMA synchronous=FULL;")
                : syncNormal ??= Pragma("PRAGMA synchronous=NORMAL;");
            pragma.ExecuteNonQuery();
            syncing = sync;
        }

        /// <summary>Begins a transaction that every statement runs in.</summary>
        public DbTransaction Begin()
        {
            var transaction = connection.BeginTransaction();
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

        public void Dispose()
        {
            foreach (var command in commands.Append(syncFull).Append(syncNormal).OfType<DbCommand>())
            {
                command.Dispose();
            }
            Db.Database.CloseConnection();
            scope.Dispose();
        }
    }
}
