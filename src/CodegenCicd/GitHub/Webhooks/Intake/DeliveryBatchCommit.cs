using System.Data.Common;
using System.Globalization;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>What became of one delivery in a batch: its row id, and whether this batch inserted it.</summary>
public readonly record struct StoredDelivery(long Id, bool Inserted);

/// <summary>A delivery's row and its body (compressed, see <see cref="WebhookDeliveryPayload"/>), stored together.</summary>
public sealed record NewDelivery(WebhookDelivery Row, byte[] Body, int Length);

/// <summary>What became of a processed delivery, recorded on its row.</summary>
public sealed record DeliveryOutcome(
    long Id, DeliveryStatus Status, DateTimeOffset CompletedAt, int ProcessingMilliseconds, string? Error);

/// <summary>
/// One batch of new deliveries and outcomes in one transaction and one sync, in plain ADO.NET on the
/// DbContext's connection: <c>INSERT … ON CONFLICT ("DeliveryId") DO NOTHING RETURNING "Id"</c> (SQLite and
/// PostgreSQL alike), so a duplicate <c>X-GitHub-Delivery</c> is settled by the unique index instead of failing
/// the batch, and no change tracking is paid for rows nobody reads back.
/// </summary>
internal static class DeliveryBatchCommit
{
    private static readonly string[] Columns =
    [
        nameof(WebhookDelivery.DeliveryId), nameof(WebhookDelivery.Event), nameof(WebhookDelivery.Action),
        nameof(WebhookDelivery.InstallationId), nameof(WebhookDelivery.RepositoryFullName),
        nameof(WebhookDelivery.HookId), nameof(WebhookDelivery.Status), nameof(WebhookDelivery.Attempts),
        nameof(WebhookDelivery.ReceivedAt), nameof(WebhookDelivery.CompletedAt),
    ];

    /// <summary>
    /// Inserts the new deliveries, records the outcomes and commits it all in one transaction. With new deliveries
    /// the commit is durable when this returns (SQLite: <c>synchronous=FULL</c>; its WAL sync also makes every
    /// earlier commit durable); a batch of outcomes alone keeps the connection's <c>NORMAL</c>, as outcomes had
    /// when each was written on its own: a lost outcome only means the delivery runs again. Results follow the new
    /// deliveries' order.
    /// </summary>
    public static async Task<StoredDelivery[]> RunAsync(AppDbContext db, IReadOnlyList<NewDelivery> batch,
        IReadOnlyList<DeliveryOutcome> outcomes, IDeliveryCommitHook hook)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            if (batch.Count > 0 && db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL;");
            }
            await using var transaction = await db.Database.BeginTransactionAsync();
            var results = await InsertAsync(db, transaction, batch);
            await RecordAsync(db, transaction, DeliveryTable.For(db), outcomes);
            if (batch.Count > 0)
            {
                await hook.BeforeCommitAsync(batch.Select(d => d.Row.DeliveryId).ToList());
            }
            await transaction.CommitAsync();
            return results;
        }
        finally
        {
            // Back to the pool; the next open sets synchronous=NORMAL again (SqliteWalDurability).
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<StoredDelivery[]> InsertAsync(
        AppDbContext db, IDbContextTransaction transaction, IReadOnlyList<NewDelivery> batch)
    {
        var results = new StoredDelivery[batch.Count];
        if (batch.Count == 0)
        {
            return results;
        }
        var table = DeliveryTable.For(db);
        var id = table.Column(nameof(WebhookDelivery.Id));
        var deliveryId = table.Column(nameof(WebhookDelivery.DeliveryId));
        await using var insert = Command(db, transaction,
            $"INSERT INTO {table.Name} ({string.Join(", ", Columns.Select(table.Column))}) "
            + $"VALUES ({string.Join(", ", Columns.Select((_, i) => "@p" + i))}) "
            + $"ON CONFLICT ({deliveryId}) DO NOTHING RETURNING {id}");
        var parameters = Columns.Select((column, i) => table.Parameter(insert, "@p" + i, column)).ToArray();
        await using var existing = Command(db, transaction,
            $"SELECT {id} FROM {table.Name} WHERE {deliveryId} = @id");
        var existingId = table.Parameter(existing, "@id", nameof(WebhookDelivery.DeliveryId));
        var payloads = DeliveryTable.PayloadsFor(db);
        await using var insertPayload = Command(db, transaction,
            $"INSERT INTO {payloads.Name} ({payloads.Column(nameof(WebhookDeliveryPayload.Id))}, "
            + $"{payloads.Column(nameof(WebhookDeliveryPayload.Body))}, "
            + $"{payloads.Column(nameof(WebhookDeliveryPayload.Length))}) VALUES (@id, @body, @length)");
        var payloadRowId = payloads.Parameter(insertPayload, "@id", nameof(WebhookDeliveryPayload.Id));
        var payloadBody = payloads.Parameter(insertPayload, "@body", nameof(WebhookDeliveryPayload.Body));
        var payloadLength = payloads.Parameter(insertPayload, "@length", nameof(WebhookDeliveryPayload.Length));
        for (var i = 0; i < batch.Count; i++)
        {
            var delivery = batch[i].Row;
            object?[] values = [delivery.DeliveryId, delivery.Event, delivery.Action, delivery.InstallationId,
                delivery.RepositoryFullName, delivery.HookId, delivery.Status, delivery.Attempts,
                delivery.ReceivedAt, delivery.CompletedAt];
            for (var p = 0; p < values.Length; p++)
            {
                table.SetValue(parameters[p], Columns[p], values[p]);
            }
            if (await insert.ExecuteScalarAsync() is { } inserted and not DBNull)
            {
                var rowId = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
                payloads.SetValue(payloadRowId, nameof(WebhookDeliveryPayload.Id), rowId);
                payloads.SetValue(payloadBody, nameof(WebhookDeliveryPayload.Body), batch[i].Body);
                payloads.SetValue(payloadLength, nameof(WebhookDeliveryPayload.Length), batch[i].Length);
                await insertPayload.ExecuteNonQueryAsync();
                results[i] = new StoredDelivery(rowId, Inserted: true);
                continue;
            }
            // The unique index holds this delivery id already (stored earlier, or earlier in this batch).
            table.SetValue(existingId, nameof(WebhookDelivery.DeliveryId), delivery.DeliveryId);
            var stored = await existing.ExecuteScalarAsync();
            results[i] = new StoredDelivery(Convert.ToInt64(stored, CultureInfo.InvariantCulture), Inserted: false);
        }
        return results;
    }

    private static async Task RecordAsync(
        AppDbContext db, IDbContextTransaction transaction, DeliveryTable table, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        if (outcomes.Count == 0)
        {
            return;
        }
        string C(string property) => table.Column(property);
        await using var update = Command(db, transaction,
            $"UPDATE {table.Name} SET {C(nameof(WebhookDelivery.Status))} = @status, "
            + $"{C(nameof(WebhookDelivery.CompletedAt))} = @completed, "
            + $"{C(nameof(WebhookDelivery.ProcessingMilliseconds))} = @milliseconds, "
            + $"{C(nameof(WebhookDelivery.Error))} = @error WHERE {C(nameof(WebhookDelivery.Id))} = @id");
        var status = table.Parameter(update, "@status", nameof(WebhookDelivery.Status));
        var completed = table.Parameter(update, "@completed", nameof(WebhookDelivery.CompletedAt));
        var milliseconds = table.Parameter(update, "@milliseconds", nameof(WebhookDelivery.ProcessingMilliseconds));
        var error = table.Parameter(update, "@error", nameof(WebhookDelivery.Error));
        var id = table.Parameter(update, "@id", nameof(WebhookDelivery.Id));
        foreach (var outcome in outcomes)
        {
            table.SetValue(status, nameof(WebhookDelivery.Status), outcome.Status);
            table.SetValue(completed, nameof(WebhookDelivery.CompletedAt), outcome.CompletedAt);
            table.SetValue(milliseconds, nameof(WebhookDelivery.ProcessingMilliseconds), outcome.ProcessingMilliseconds);
            table.SetValue(error, nameof(WebhookDelivery.Error), outcome.Error);
            table.SetValue(id, nameof(WebhookDelivery.Id), outcome.Id);
            await update.ExecuteNonQueryAsync();
        }
    }

    private static DbCommand Command(AppDbContext db, IDbContextTransaction transaction, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction.GetDbTransaction();
        return command;
    }
}
