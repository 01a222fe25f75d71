using System.Data.Common;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// The delivery tables' names and parameter types as the EF model maps them, for the few statements
/// written in SQL (the batch insert, the dispatcher's claim): they follow the mapping (quoted names, the
/// status stored as text, SQLite's date format) on SQLite and PostgreSQL alike.
/// </summary>
internal sealed class DeliveryTable
{
    private static DeliveryTable? deliveries;
    private static DeliveryTable? payloads;

    private readonly IEntityType entity;
    private readonly StoreObjectIdentifier table;
    private readonly ISqlGenerationHelper sql;

    private DeliveryTable(AppDbContext db, Type type)
    {
        entity = db.Model.FindEntityType(type)!;
        table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        sql = db.GetService<ISqlGenerationHelper>();
        Name = sql.DelimitIdentifier(table.Name, table.Schema);
    }

    /// <summary>The table's quoted name.</summary>
    public string Name { get; }

    /// <summary>The names for this app's provider (one per process: the provider does not change).</summary>
    public static DeliveryTable For(AppDbContext db) => deliveries ??= new DeliveryTable(db, typeof(WebhookDelivery));

    /// <summary>The same for the bodies' table (<see cref="WebhookDeliveryPayload"/>).</summary>
    public static DeliveryTable PayloadsFor(AppDbContext db) =>
        payloads ??= new DeliveryTable(db, typeof(WebhookDeliveryPayload));

    /// <summary>The quoted column of a property of the table's entity.</summary>
    public string Column(string property) =>
        sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

    /// <summary>A parameter typed for the property's column, with its value as the provider stores it.</summary>
    public DbParameter Parameter(DbCommand command, string name, string property, object? value = null)
    {
        var mapped = entity.FindProperty(property)!;
        var parameter = mapped.GetRelationalTypeMapping().CreateParameter(command, name, null, mapped.IsNullable);
        command.Parameters.Add(parameter);
        SetValue(parameter, property, value);
        return parameter;
    }

    /// <summary>Sets a parameter made by <see cref="Parameter"/> (through the mapping's converter, if any).</summary>
    public void SetValue(DbParameter parameter, string property, object? value)
    {
        var converter = entity.FindProperty(property)!.GetTypeMapping().Converter;
        var stored = converter is null || value is null ? value : converter.ConvertToProvider(value);
        parameter.Value = stored ?? DBNull.Value;
    }
}
