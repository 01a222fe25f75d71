using System.Data.Common;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>One statement, made once, with its parameters typed by the EF mapping of the columns they fill.</summary>
internal sealed class DeliveryStatement(DbCommand command, DeliveryTable table, string[] properties)
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

    public static DeliveryStatement Make(DbConnection connection, DeliveryTable table, string sql, params string[] properties)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return new DeliveryStatement(command, table, properties);
    }
}

/// <summary>
/// The batch writer's connection (<see cref="DeliveryBatchCommit"/>), kept open with its statements, on a DbContext of
/// its own (its pragmas come from the usual interceptor, <c>SqliteWalDurability</c>).
/// </summary>
internal sealed class DeliveryWriterConnection : IDisposable
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

    private DeliveryWriterConnection(IServiceScope scope, AppDbContext db)
    {
        this.scope = scope;
        Db = db;
        connection = db.Database.GetDbConnection();
        sqlite = db.Database.IsSqlite();
        var deliveries = DeliveryTable.For(db);
        var payloads = DeliveryTable.PayloadsFor(db);
        string D(string property) => deliveries.Column(property);
        string P(string property) => payloads.Column(property);

        Insert = DeliveryStatement.Make(connection, deliveries,
            $"INSERT INTO {deliveries.Name} ({string.Join(", ", DeliveryColumns.Select(D))}) "
            + $"VALUES ({string.Join(", ", DeliveryColumns.Select((_, i) => "@p" + i))}) "
            + $"ON CONFLICT ({D(nameof(WebhookDelivery.DeliveryId))}) DO NOTHING RETURNING {D(nameof(WebhookDelivery.Id))}",
            DeliveryColumns);
        Existing = DeliveryStatement.Make(connection, deliveries,
            $"SELECT {D(nameof(WebhookDelivery.Id))} FROM {deliveries.Name} "
            + $"WHERE {D(nameof(WebhookDelivery.DeliveryId))} = @p0",
            nameof(WebhookDelivery.DeliveryId));
        InsertPayload = DeliveryStatement.Make(connection, payloads,
            $"INSERT INTO {payloads.Name} ({P(nameof(WebhookDeliveryPayload.Id))}, "
            + $"{P(nameof(WebhookDeliveryPayload.Body))}, {P(nameof(WebhookDeliveryPayload.Compression))}, "
            + $"{P(nameof(WebhookDeliveryPayload.Length))}) VALUES (@p0, @p1, @p2, @p3)",
            nameof(WebhookDeliveryPayload.Id), nameof(WebhookDeliveryPayload.Body),
            nameof(WebhookDeliveryPayload.Compression), nameof(WebhookDeliveryPayload.Length));
        RecordOutcome = DeliveryStatement.Make(connection, deliveries,
            $"UPDATE {deliveries.Name} SET {D(nameof(WebhookDelivery.Status))} = @p0, "
            + $"{D(nameof(WebhookDelivery.CompletedAt))} = @p1, "
            + $"{D(nameof(WebhookDelivery.ProcessingMilliseconds))} = @p2, "
            + $"{D(nameof(WebhookDelivery.Error))} = @p3 WHERE {D(nameof(WebhookDelivery.Id))} = @p4",
            nameof(WebhookDelivery.Status), nameof(WebhookDelivery.CompletedAt),
            nameof(WebhookDelivery.ProcessingMilliseconds), nameof(WebhookDelivery.Error), nameof(WebhookDelivery.Id));
        commands = [Insert.Command, Existing.Command, InsertPayload.Command, RecordOutcome.Command];
    }

    public AppDbContext Db { get; }

    public DeliveryStatement Insert { get; }

    public DeliveryStatement Existing { get; }

    public DeliveryStatement InsertPayload { get; }

    public DeliveryStatement RecordOutcome { get; }

    public static DeliveryWriterConnection Open(IServiceScopeFactory scopes)
    {
        var scope = scopes.CreateScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            // Opened through EF, so SqliteWalDurability sets the connection's pragmas (synchronous=NORMAL).
            db.Database.OpenConnection();
            return new DeliveryWriterConnection(scope, db);
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
