using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CodegenCicd.Tests.GitHub;

/// <summary>Bodies stored before deliveries got a payload table of their own move there on upgrade, and back on a downgrade.</summary>
public sealed class DeliveryPayloadMigrationTests
{
    private const string Before = "20261202111046_ApiListIndexes";
    private const string Body = """{"zen":"Keep it logically awesome."}""";

    [Fact]
    public async Task StoredBodies_MoveToThePayloadTable_AndBack()
    {
        var folder = Directory.CreateTempSubdirectory("codegencicd-migration-").FullName;
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite($"Data Source={Path.Combine(folder, "app.db")};Pooling=False").Options;
        await using var db = new SqliteAppDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(Before);
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"WebhookDelivery\" (\"DeliveryId\", \"Event\", \"Payload\", \"Status\", \"Attempts\", \"ReceivedAt\") "
            + "VALUES ('before-upgrade', 'ping', {0}, 'Processed', 1, '2026-12-01 10:00:00+00:00')", Body);

        await migrator.MigrateAsync();

        var moved = await db.Set<WebhookDeliveryPayload>().AsNoTracking().SingleAsync();
        var delivery = await db.Set<WebhookDelivery>().AsNoTracking().SingleAsync();
        Assert.Equal((delivery.Id, Body), (moved.Id, moved.Payload));

        await migrator.MigrateAsync(Before);

        Assert.Equal(Body, await db.Database.SqlQueryRaw<string>("SELECT \"Payload\" AS \"Value\" FROM \"WebhookDelivery\"").SingleAsync());
        TempFolder.TryDelete(folder);
    }
}
