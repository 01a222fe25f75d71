using System.Globalization;

namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>What became of one delivery in a batch: its row id, and whether this batch inserted it.</summary>
public readonly record struct StoredDelivery(long Id, bool Inserted);

/// <summary>
/// A delivery's row and its body, compressed by <see cref="WebhookDeliveryPayload.Compress"/>, stored together.
/// </summary>
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
    private DeliveryWriterConnection? kept;

    /// <summary>
    /// Inserts the new deliveries, records the outcomes and commits it all in one transaction. With new deliveries
    /// the commit is durable when this returns (SQLite: <c>synchronous=FULL</c>; its WAL sync also makes every
    /// earlier commit durable); a batch of outcomes alone keeps <c>NORMAL</c>, as outcomes had when each was written
    /// on its own: a lost outcome only means the delivery runs again. Results follow the new deliveries' order.
    /// </summary>
    public StoredDelivery[] Run(IReadOnlyList<NewDelivery> batch, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        var connection = kept ??= DeliveryWriterConnection.Open(scopes);
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
        DeliveryWriterConnection connection, IReadOnlyList<NewDelivery> batch, IReadOnlyList<DeliveryOutcome> outcomes)
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

    private static StoredDelivery[] Insert(DeliveryWriterConnection connection, IReadOnlyList<NewDelivery> batch)
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
                connection.InsertPayload.Set(rowId, batch[i].Body, WebhookDeliveryPayload.Written, batch[i].Length);
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

    private static void Record(DeliveryWriterConnection connection, IReadOnlyList<DeliveryOutcome> outcomes)
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
}
