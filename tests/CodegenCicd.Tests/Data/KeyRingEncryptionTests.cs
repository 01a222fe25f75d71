using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Data;

/// <summary>The Data Protection key ring in the database is encrypted with a certificate kept outside it.</summary>
public sealed class KeyRingEncryptionTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task FirstStart_GeneratesAnOwnerOnlyKeyFileNextToTheDatabase_AndStoresNoPlaintextKey()
    {
        using var factory = new AppFactory();
        factory.Settings["DataProtection:KeyFolder"] = null; // the default: next to the SQLite file
        var id = await ProjectSeed.AddAsync(factory, "acme/keyring-plain", pinned: true);

        await PutSecretAsync(factory, id, "API_KEY", "value-never-in-the-key-ring");

        var keyFile = Path.Combine(factory.DataDirectory, "keys", "key-encryption.pfx");
        Assert.True(File.Exists(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(keyFile)!));
        var rows = await KeyRingRowsAsync(factory);
        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task SecretSavedThroughTheApi_SurvivesARestart_OnTheSameDatabaseAndKeyFile()
    {
        using var restarted = new AppFactory();
        int id;
        using (var first = SharingStateWith(restarted))
        {
            id = await ProjectSeed.AddAsync(first, "acme/keyring-restart", pinned: true);
            await PutSecretAsync(first, id, "DEPLOY_TOKEN", "survives-the-restart-41c9");
        }

        Assert.Equal("survives-the-restart-41c9", (await SecretValuesAsync(restarted, id))["DEPLOY_TOKEN"]);
    }

    [Fact]
    public async Task TwoNodesWithTheSameConfiguredCertificate_DecryptEachOthersSecrets()
    {
        using var second = new AppFactory();
        var certificate = TestCertificates.CreatePfx(second.DataDirectory, "shared", "pfx-password-1");
        using var first = SharingStateWith(second);
        foreach (var node in new[] { first, second })
        {
            node.Settings["DataProtection:CertificatePath"] = certificate;
            node.Settings["DataProtection:CertificatePassword"] = "pfx-password-1";
            node.Settings["DataProtection:KeyFolder"] = null;
        }
        var id = await ProjectSeed.AddAsync(first, "acme/keyring-two-nodes", pinned: true);

        await PutSecretAsync(first, id, "FROM_FIRST", "written-by-the-first-node");
        await PutSecretAsync(second, id, "FROM_SECOND", "written-by-the-second-node");

        var seenBySecond = await SecretValuesAsync(second, id);
        var seenByFirst = await SecretValuesAsync(first, id);
        Assert.Equal("written-by-the-first-node", seenBySecond["FROM_FIRST"]);
        Assert.Equal("written-by-the-second-node", seenByFirst["FROM_SECOND"]);
        Assert.False(Directory.Exists(Path.Combine(second.DataDirectory, "keys")), "a configured certificate generates no key file");
    }

    [Fact]
    public async Task RotatedCertificate_WithTheOldOneListedAsPrevious_StillDecryptsOldSecrets()
    {
        using var rotated = new AppFactory();
        var old = TestCertificates.CreatePfx(rotated.DataDirectory, "old", "old-password");
        var current = TestCertificates.CreatePfx(rotated.DataDirectory, "current", "new-password");
        int id;
        using (var before = SharingStateWith(rotated))
        {
            before.Settings["DataProtection:CertificatePath"] = old;
            before.Settings["DataProtection:CertificatePassword"] = "old-password";
            id = await ProjectSeed.AddAsync(before, "acme/keyring-rotation", pinned: true);
            await PutSecretAsync(before, id, "OLD_SECRET", "encrypted-under-the-old-certificate");
        }
        rotated.Settings["DataProtection:CertificatePath"] = current;
        rotated.Settings["DataProtection:CertificatePassword"] = "new-password";
        rotated.Settings["DataProtection:PreviousCertificates:0:Path"] = old;
        rotated.Settings["DataProtection:PreviousCertificates:0:Password"] = "old-password";

        Assert.Equal("encrypted-under-the-old-certificate", (await SecretValuesAsync(rotated, id))["OLD_SECRET"]);
    }

    /// <summary>A second app on <paramref name="owner"/>'s database and key folder, its own folder unused (deleted when it is disposed).</summary>
    internal static AppFactory SharingStateWith(AppFactory owner)
    {
        var other = new AppFactory();
        other.Settings["ConnectionStrings:App"] = owner.Settings["ConnectionStrings:App"];
        other.Settings["DataProtection:KeyFolder"] = owner.Settings["DataProtection:KeyFolder"];
        return other;
    }

    internal static async Task PutSecretAsync(AppFactory factory, int projectId, string name, string value)
    {
        var response = await factory.CreateApiClient().PutAsJsonAsync($"/api/projects/{projectId}/secrets/{name}", new { value });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    internal static async Task<IReadOnlyDictionary<string, string>> SecretValuesAsync(AppFactory factory, int projectId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProjectSecrets>().GetValuesAsync(projectId, CancellationToken.None);
    }

    internal static async Task<List<string>> KeyRingRowsAsync(AppFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return [.. (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync()).OfType<string>()];
    }
}
