using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CodegenCicd.Tests.Data.KeyRingApps;

namespace CodegenCicd.Tests.Data;

/// <summary>An installation from before key encryption: its key ring was stored in plain text.</summary>
public sealed class LegacyKeyRingTests
{
    [Fact]
    public async Task UnencryptedKeyRing_StillDecryptsItsSecrets_AndIsEncryptedInPlaceAtStartUp()
    {
        using var upgraded = new AppFactory();
        var (projectId, keysBefore) = await WriteSecretTheOldWayAsync(upgraded.Settings["ConnectionStrings:App"]!, "written-before-key-encryption");
        Assert.All(keysBefore, xml => Assert.Contains("<value>", xml, StringComparison.Ordinal));

        using (var firstStart = SharingStateWith(upgraded))
        {
            Assert.Equal("written-before-key-encryption", (await SecretValuesAsync(firstStart, projectId))["LEGACY_TOKEN"]);
            var keysAfter = await KeyRingRowsAsync(firstStart);
            Assert.All(keysAfter, xml =>
            {
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
                Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            });
        }

        // A fresh process reads the rewritten keys through Data Protection's own path.
        Assert.Equal("written-before-key-encryption", (await SecretValuesAsync(upgraded, projectId))["LEGACY_TOKEN"]);
    }

    /// <summary>What the app did before key encryption: Data Protection in the database, no key encryptor.</summary>
    private static async Task<(int ProjectId, List<string> Keys)> WriteSecretTheOldWayAsync(string connectionString, string value)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<SqliteAppDbContext>(o => o.UseSqlite(connectionString));
        services.AddDataProtection().SetApplicationName("CodegenCICD").PersistKeysToDbContext<SqliteAppDbContext>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SqliteAppDbContext>();
        await db.Database.MigrateAsync();
        var project = new Project
        {
            FullName = "acme/legacy-key-ring",
            GitHubRepositoryId = 990_001,
            InstallationId = 42,
            IsActive = true,
            IsPinned = true,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Add(project);
        await db.SaveChangesAsync();
        var secrets = new ProjectSecrets(db, provider.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System);
        await secrets.SetAsync(project.Id, "LEGACY_TOKEN", value, CancellationToken.None);
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
        return (project.Id, keys);
    }
}
