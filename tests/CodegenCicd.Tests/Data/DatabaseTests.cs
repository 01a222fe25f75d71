using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Data;

public sealed class DatabaseTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task FirstStart_CreatesTheSqliteFile_MigratedAndInWalMode()
    {
        _ = factory.Services;
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "app.db")));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        Assert.Equal("wal", Assert.Single(mode));
    }

    [Fact]
    public async Task SqliteConnections_SyncAtCheckpointsOnly_ExceptADurableSave()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Task<List<int>> Synchronous() => db.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToListAsync();

        Assert.Equal(1, Assert.Single(await Synchronous())); // NORMAL on every opened connection

        var commits = new List<int>();
        db.Add(new Project { FullName = $"octo/durable-{Guid.NewGuid():N}" });
        db.SavingChanges += (_, _) => commits.Add(db.Database.SqlQueryRaw<int>("PRAGMA synchronous").AsEnumerable().Single());
        await SqliteWalDurability.SaveChangesDurablyAsync(db, CancellationToken.None);

        Assert.Equal([2], commits); // FULL for the durable save
        Assert.Equal(1, Assert.Single(await Synchronous())); // and NORMAL again for whatever follows
    }

    [Fact]
    public async Task ProjectSecrets_AreEncryptedAtRest_AndOnlyNamesAreListed()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = new Project { FullName = $"octo/secrets-{Guid.NewGuid():N}" };
        db.Add(project);
        await db.SaveChangesAsync();
        var secrets = scope.ServiceProvider.GetRequiredService<ProjectSecrets>();

        await secrets.SetAsync(project.Id, "DATABASE_PASSWORD", "hunter2-plain-value", CancellationToken.None);

        var stored = await db.Set<ProjectSecret>().AsNoTracking().SingleAsync(s => s.ProjectId == project.Id);
        Assert.DoesNotContain("hunter2", stored.ProtectedValue, StringComparison.Ordinal);
        Assert.False(File.ReadAllText(Path.Combine(factory.DataDirectory, "app.db")).Contains("hunter2-plain-value", StringComparison.Ordinal));
        Assert.Equal(["DATABASE_PASSWORD"], await secrets.ListNamesAsync(project.Id, CancellationToken.None));
        Assert.Equal("hunter2-plain-value", (await secrets.GetValuesAsync(project.Id, CancellationToken.None))["DATABASE_PASSWORD"]);
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("WITH-DASH")]
    [InlineData("")]
    public void InvalidSecretNames_AreRefusedWithAReason(string name)
    {
        Assert.NotNull(ProjectSecrets.ValidateName(name));
    }

    [Theory]
    [InlineData("PORT")]
    [InlineData("REPORTS")]
    [InlineData("PATH")]
    [InlineData("HOME")]
    public void NamesTheSandboxSetsItself_AreRefused_SayingWhy(string name)
    {
        Assert.Contains($"{name} is set by the sandbox", ProjectSecrets.ValidateName(name), StringComparison.Ordinal);
        Assert.Null(ProjectSecrets.ValidateName("DATABASE_URL"));
    }
}
