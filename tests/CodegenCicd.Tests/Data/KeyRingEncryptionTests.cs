using System.Runtime.Versioning;
using System.Text.Json;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using static CodegenCicd.Tests.Data.KeyRingApps;

namespace CodegenCicd.Tests.Data;

/// <summary>The Data Protection key ring in the database is encrypted with a certificate kept outside it.</summary>
public sealed class KeyRingEncryptionTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task FirstStart_GeneratesAnOwnerOnlyKeyFileNextToTheDatabase_AndStoresNoPlaintextKey()
    {
        using var factory = new AppFactory();
        Directory.Delete(factory.KeyFolder, recursive: true); // the shared copy AppFactory puts there
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
        using var first = SharingStateWith(second);
        UseCertificate([first, second], TestCertificates.CreatePfx(second.DataDirectory, "shared", "pfx-password-1"), "pfx-password-1");
        Directory.Delete(second.KeyFolder, recursive: true); // AppFactory's shared copy

        await AssertNodesReadEachOthersSecretsAsync(first, second, "acme/keyring-two-nodes");

        Assert.False(Directory.Exists(Path.Combine(second.DataDirectory, "keys")), "a configured certificate generates no key file");
    }

    [PostgresFact]
    public async Task TwoNodesOnPostgreSqlWithTheSameConfiguredCertificate_DecryptEachOthersSecrets()
    {
        var connection = await PostgresFactAttribute.CreateDatabaseAsync();
        using var first = new AppFactory();
        using var second = new AppFactory();
        foreach (var node in new[] { first, second })
        {
            node.Settings["Database:Provider"] = "PostgreSql";
            node.Settings["ConnectionStrings:App"] = connection;
        }
        UseCertificate([first, second], TestCertificates.CreatePfx(first.DataDirectory, "cluster", "pw-cluster"), "pw-cluster");

        await AssertNodesReadEachOthersSecretsAsync(first, second, "acme/keyring-postgres");

        Assert.All(await KeyRingRowsAsync(second), xml => Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotatedCertificate_ReadsOldSecretsWithTheOldOneListed_ThenWithoutItAfterOneStart()
    {
        using var afterRotation = new AppFactory();
        var old = TestCertificates.CreatePfx(afterRotation.DataDirectory, "old", "old-password");
        var current = TestCertificates.CreatePfx(afterRotation.DataDirectory, "current", "new-password");
        int id;
        using (var before = SharingStateWith(afterRotation))
        {
            UseCertificate([before], old, "old-password");
            id = await ProjectSeed.AddAsync(before, "acme/keyring-rotation", pinned: true);
            await PutSecretAsync(before, id, "OLD_SECRET", "encrypted-under-the-old-certificate");
        }
        using (var rotating = SharingStateWith(afterRotation))
        {
            UseCertificate([rotating], current, "new-password");
            rotating.Settings["DataProtection:PreviousCertificates:0:Path"] = old;
            rotating.Settings["DataProtection:PreviousCertificates:0:Password"] = "old-password";
            Assert.Equal("encrypted-under-the-old-certificate", (await SecretValuesAsync(rotating, id))["OLD_SECRET"]);
        }
        UseCertificate([afterRotation], current, "new-password");

        Assert.Equal("encrypted-under-the-old-certificate", (await SecretValuesAsync(afterRotation, id))["OLD_SECRET"]);
    }

    [Fact]
    public async Task ConfiguredCertificate_IsListedInApiStatus_ByThumbprint()
    {
        using var factory = new AppFactory();
        var certificate = TestCertificates.CreatePfx(factory.DataDirectory, "status", "pw-status");
        factory.Settings["DataProtection:CertificatePath"] = certificate;
        factory.Settings["DataProtection:CertificatePassword"] = "pw-status";

        using var status = JsonDocument.Parse(await factory.CreateApiClient().GetStringAsync("/api/status"));

        var entry = status.RootElement.GetProperty("integrations").EnumerateArray()
            .Single(i => i.GetProperty("name").GetString() == "Key encryption");
        Assert.True(entry.GetProperty("configured").GetBoolean());
        var detail = entry.GetProperty("detail").GetString();
        Assert.Contains(TestCertificates.Thumbprint(certificate, "pw-status"), detail, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificatePath", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-status", status.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    private static void UseCertificate(AppFactory[] nodes, string path, string password)
    {
        foreach (var node in nodes)
        {
            node.Settings["DataProtection:CertificatePath"] = path;
            node.Settings["DataProtection:CertificatePassword"] = password;
        }
    }

    /// <summary>Each node saves a secret through the API; the other one decrypts it.</summary>
    private static async Task AssertNodesReadEachOthersSecretsAsync(AppFactory first, AppFactory second, string repository)
    {
        var id = await ProjectSeed.AddAsync(first, repository, pinned: true);

        await PutSecretAsync(first, id, "FROM_FIRST", "written-by-the-first-node");
        await PutSecretAsync(second, id, "FROM_SECOND", "written-by-the-second-node");

        var seenBySecond = await SecretValuesAsync(second, id);
        var seenByFirst = await SecretValuesAsync(first, id);
        Assert.Equal("written-by-the-first-node", seenBySecond["FROM_FIRST"]);
        Assert.Equal("written-by-the-second-node", seenByFirst["FROM_SECOND"]);
    }
}
