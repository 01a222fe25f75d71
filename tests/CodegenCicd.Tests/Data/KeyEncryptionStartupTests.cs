using CodegenCicd.Hosting;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using static CodegenCicd.Tests.Data.KeyRingEncryptionTests;

namespace CodegenCicd.Tests.Data;

/// <summary>A key-encryption certificate that cannot be read, or cannot read the stored keys, stops the app at start-up.</summary>
public sealed class KeyEncryptionStartupTests
{
    [Fact]
    public void ConfiguredCertificateFileMissing_FailsStartUp_WithOneLineNamingTheKey()
    {
        using var factory = new AppFactory();
        var missing = Path.Combine(factory.DataDirectory, "nowhere.pfx");
        factory.Settings["DataProtection:CertificatePath"] = missing;

        var message = StartUpError(factory);

        Assert.Equal($"DataProtection:CertificatePath: no certificate file at {missing}", message);
    }

    [Fact]
    public void WrongCertificatePassword_FailsStartUp_NamingThePasswordKey_WithoutThePassword()
    {
        using var factory = new AppFactory();
        factory.Settings["DataProtection:CertificatePath"] = TestCertificates.CreatePfx(factory.DataDirectory, "kek", "right-password");
        factory.Settings["DataProtection:CertificatePassword"] = "wrong-password-7d1e";

        var message = StartUpError(factory);

        Assert.StartsWith("DataProtection:CertificatePath: ", message, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificatePassword is wrong", message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-7d1e", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWithAnotherCertificate_FailsStartUp_NamingTheOneThatEncryptedTheKeys_AndWritesNoKey()
    {
        using var second = new AppFactory();
        using var first = SharingStateWith(second);
        var right = TestCertificates.CreatePfx(second.DataDirectory, "right", "pw-right");
        first.Settings["DataProtection:CertificatePath"] = right;
        first.Settings["DataProtection:CertificatePassword"] = "pw-right";
        var id = await ProjectSeed.AddAsync(first, "acme/keyring-wrong-cert", pinned: true);
        await PutSecretAsync(first, id, "API_KEY", "only-the-right-certificate-reads-this");
        var keysBefore = await KeyRingRowsAsync(first);
        second.Settings["DataProtection:CertificatePath"] = TestCertificates.CreatePfx(second.DataDirectory, "wrong", "pw-wrong");
        second.Settings["DataProtection:CertificatePassword"] = "pw-wrong";

        var message = StartUpError(second);

        Assert.StartsWith("DataProtection:CertificatePath: ", message, StringComparison.Ordinal);
        Assert.Contains($"encrypted with certificate {TestCertificates.Thumbprint(right, "pw-right")}", message, StringComparison.Ordinal);
        Assert.Equal(keysBefore, await KeyRingRowsAsync(first));
    }

    [Fact]
    public async Task SecondNodeWithoutAConfiguredCertificate_FailsStartUp_AskingForDataProtectionCertificatePath()
    {
        using var second = new AppFactory();
        using var first = SharingStateWith(second);
        first.Settings["DataProtection:KeyFolder"] = Path.Combine(first.DataDirectory, "keys");
        var id = await ProjectSeed.AddAsync(first, "acme/keyring-two-generated", pinned: true);
        await PutSecretAsync(first, id, "API_KEY", "the-first-node-generated-its-own-key");

        var message = StartUpError(second);

        Assert.StartsWith("DataProtection:CertificatePath is not set, and the certificate generated in ", message, StringComparison.Ordinal);
        Assert.Contains("set DataProtection:CertificatePath", message, StringComparison.Ordinal);
    }

    /// <summary>What the app prints after "Configuration error: " when started from the command line.</summary>
    private static string StartUpError(AppFactory factory)
    {
        var error = Assert.ThrowsAny<Exception>(() => factory.Services);
        var message = Startup.DescribeConfigurationError(error);
        Assert.NotNull(message);
        Assert.DoesNotContain('\n', message);
        return message;
    }
}
