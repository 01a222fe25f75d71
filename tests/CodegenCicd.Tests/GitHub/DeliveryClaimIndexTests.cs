using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.GitHub.Webhooks.Dispatch;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// The claim index holds only deliveries with work left (intake stores most deliveries processed, and they never
/// enter it), and the dispatcher's claim still reads from that index alone.
/// </summary>
public sealed class DeliveryClaimIndexTests
{
    private const string Index = "IX_WebhookDelivery_Status_Id_RepositoryFullName";

    [Fact]
    public async Task TheClaim_FindsItsDeliveriesAndTheBusyRepositories_InTheIndexOfDeliveriesWithWorkLeft()
    {
        var folder = Directory.CreateTempSubdirectory("codegencicd-claim-index-").FullName;
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite($"Data Source={Path.Combine(folder, "app.db")};Pooling=False").Options;
        await using (var db = new SqliteAppDbContext(options))
        {
            await db.Database.MigrateAsync();
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 200; i++)
            {
                db.Add(Delivery($"settled-{i}", DeliveryStatus.Processed, now));
            }
            db.Add(Delivery("waiting", DeliveryStatus.Received, now));
            db.Add(Delivery("running", DeliveryStatus.Processing, now));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("ANALYZE");

            var plan = await PlanAsync(db, DeliveryClaims.ClaimSql(DeliveryTable.For(db)));

            Assert.Equal(2, plan.Count(step => step.Contains($"COVERING INDEX {Index}", StringComparison.Ordinal)));
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
            var definition = await db.Database.SqlQueryRaw<string>(
                $"SELECT sql AS \"Value\" FROM sqlite_master WHERE name = '{Index}'").SingleAsync();
            Assert.EndsWith("WHERE \"Status\" = 'Received' OR \"Status\" = 'Processing'", definition, StringComparison.Ordinal);
        }
        TempFolder.TryDelete(folder);
    }

    /// <summary>The steps of SQLite's plan for <paramref name="sql"/> (its parameters bound to NULL).</summary>
    private static async Task<List<string>> PlanAsync(AppDbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in new[] { "@processing", "@now", "@limit" })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
        }
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(reader.GetOrdinal("detail")));
        }
        return steps;
    }

    private static WebhookDelivery Delivery(string id, DeliveryStatus status, DateTimeOffset now) => new()
    {
        DeliveryId = id,
        Event = "pull_request",
        RepositoryFullName = "octo-org/app",
        Status = status,
        ReceivedAt = now,
    };
}
