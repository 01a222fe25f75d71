using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.Data;

/// <summary>
/// EF Core refuses a compiled query on a model other than the one it first ran with; the tests run SQLite and
/// PostgreSQL hosts side by side in one process, and a static compiled query broke the PostgreSQL ones.
/// </summary>
public sealed class CompiledQueryTests
{
    private static readonly CompiledQuery<string, Project?> ByName = new((db, name, _) =>
        db.Set<Project>().AsNoTracking().FirstOrDefault(p => p.FullName == name));

    [PostgresFact]
    public async Task OneCompiledQuery_RunsOnSqliteAndPostgreSql_InTurn()
    {
        var file = Path.Combine(Path.GetTempPath(), $"compiled-{Guid.NewGuid():N}.db");
        try
        {
            await using var sqlite = new SqliteAppDbContext(
                new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options);
            await using var postgres = new PostgreSqlAppDbContext(new DbContextOptionsBuilder<PostgreSqlAppDbContext>()
                .UseNpgsql(await PostgresFactAttribute.CreateDatabaseAsync()).Options);
            Assert.NotSame(sqlite.Model, postgres.Model);
            foreach (AppDbContext db in new AppDbContext[] { sqlite, postgres })
            {
                await db.Database.EnsureCreatedAsync();
                db.Add(new Project { FullName = $"octo/{db.GetType().Name}", InstallationId = 1 });
                await db.SaveChangesAsync();
            }

            for (var round = 0; round < 2; round++)
            {
                Assert.Equal("octo/SqliteAppDbContext",
                    (await ByName.RunAsync(sqlite, "octo/SqliteAppDbContext", CancellationToken.None))?.FullName);
                Assert.Equal("octo/PostgreSqlAppDbContext",
                    (await ByName.RunAsync(postgres, "octo/PostgreSqlAppDbContext", CancellationToken.None))?.FullName);
                Assert.Null(await ByName.RunAsync(postgres, "octo/SqliteAppDbContext", CancellationToken.None));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
