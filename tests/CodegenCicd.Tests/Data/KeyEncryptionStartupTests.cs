using System.Diagnostics;
using CodegenCicd.Hosting;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using static CodegenCicd.Tests.Data.KeyRingApps;

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
        first.Settings["DataProtection:KeyFolder"] = Path.Combine(first.DataDirectory, "own-keys"); // not AppFactory's shared copy
        var id = await ProjectSeed.AddAsync(first, "acme/keyring-two-generated", pinned: true);
        await PutSecretAsync(first, id, "API_KEY", "the-first-node-generated-its-own-key");

        var message = StartUpError(second);

        Assert.StartsWith("DataProtection:CertificatePath is not set, and the certificate generated in ", message, StringComparison.Ordinal);
        Assert.Contains("set DataProtection:CertificatePath", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessWithAMissingCertificate_ExitsWithOneLineNamingTheKey_AndCreatesNoKeyFile()
    {
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-proc-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dataDir,
        };
        start.Environment["ConnectionStrings__App"] = $"Data Source={dataDir}/app.db";
        start.Environment["DataProtection__CertificatePath"] = "/nonexistent/kek.pfx";
        start.Environment["DataProtection__CertificatePassword"] = "never-printed-3a9f";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Configuration error: DataProtection:CertificatePath: no certificate file at /nonexistent/kek.pfx", line);
        Assert.DoesNotContain("never-printed-3a9f", await stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dataDir, "keys")));
        TempFolder.TryDelete(dataDir);
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
