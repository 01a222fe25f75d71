namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Real bubblewrap: what a command in the sandbox can and cannot reach.</summary>
public sealed class LocalSandboxIsolationTests : IDisposable
{
    private readonly SandboxTestKit kit = new();

    [Fact]
    public async Task Command_CannotReadFilesOutsideTheWorkspace()
    {
        var secretFile = Path.Combine(kit.Root, "app-data-secret.txt");
        await File.WriteAllTextAsync(secretFile, "top-secret-app-data");
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync($"cat {secretFile}; ls /root; cat /etc/shadow", SandboxTestKit.Within(30), default);

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("top-secret-app-data", result.Output, StringComparison.Ordinal);
        Assert.Contains("No such file", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_CannotWriteToTheHost_OnlyToItsWorkspace()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync(
            $"touch /usr/{marker}; touch /etc/{marker}; touch /{marker}; touch ../{marker}; touch /tmp/{marker}; echo ok > inside.txt",
            SandboxTestKit.Within(30), default);

        Assert.False(File.Exists($"/usr/{marker}"));
        Assert.False(File.Exists($"/etc/{marker}"));
        Assert.False(File.Exists($"/{marker}"));
        Assert.False(File.Exists($"/tmp/{marker}"));
        Assert.Contains("Read-only file system", result.Output, StringComparison.Ordinal);
        Assert.Equal("ok\n", System.Text.Encoding.UTF8.GetString((await sandbox.DownloadFileAsync("inside.txt", default))!));
    }

    [Fact]
    public async Task Command_DoesNotSeeTheAppsEnvironment_OnlyWhatItIsGiven()
    {
        Environment.SetEnvironmentVariable("CODEGENCICD_TEST_APP_SECRET", "app-env-value-123");
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("env", SandboxTestKit.Within(30, new Dictionary<string, string> { ["GIVEN"] = "given-value" }), default);

        Assert.True(result.Succeeded, result.Output);
        Assert.DoesNotContain("app-env-value-123", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CODEGENCICD_TEST_APP_SECRET", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("DOTNET", result.Output, StringComparison.Ordinal);
        Assert.Contains("GIVEN=given-value", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_RunsAsTheSandboxUser_InItsOwnProcessNamespace()
    {
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("id -u; ls /proc | grep -c '^[0-9]'", SandboxTestKit.Within(30), default);

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(kit.Options.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0]);
        // bwrap's init, the shell, ls and grep: never the host's processes.
        Assert.True(int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture) < 10, result.Output);
    }

    [Fact]
    public async Task Toolchains_NameResolutionAndTmp_AreUsable()
    {
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync(
            "node -e 'console.log(require(\"node:crypto\").createHash(\"sha256\").update(\"x\").digest(\"hex\").length)' && echo t > /tmp/t && cat /tmp/t && test -r /etc/resolv.conf && whoami",
            SandboxTestKit.Within(30), default);

        Assert.True(result.Succeeded, result.Output);
        Assert.Equal("64\nt\nsandbox\n", result.Stdout);
    }

    [Fact]
    public async Task SecretValues_ReachTheCommand_ButAreMaskedInItsOutput()
    {
        await using var sandbox = await kit.CreateAsync(null, "s3cr3t-token-value");

        var result = await sandbox.ExecuteAsync("echo \"key=$API_KEY\"; test \"$API_KEY\" = s3cr3t-token-value && echo matches",
            SandboxTestKit.Within(30, new Dictionary<string, string> { ["API_KEY"] = "s3cr3t-token-value" }), default);

        Assert.Contains("key=***", result.Output, StringComparison.Ordinal);
        Assert.Contains("matches", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-token-value", result.Output + result.Command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkingDirectoryOutsideTheWorkspace_IsRefused()
    {
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("pwd", new(TimeSpan.FromSeconds(30), WorkingDirectory: "../.."), default);

        Assert.False(result.Succeeded);
        Assert.Contains("outside the workspace", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_ThroughASymlinkThePlantedCommand_IsRefused()
    {
        await using var sandbox = await kit.CreateAsync();
        await sandbox.ExecuteAsync("ln -s /etc reports", SandboxTestKit.Within(30), default);

        await Assert.ThrowsAsync<ArgumentException>(() => sandbox.DownloadFileAsync("reports/passwd", default));
        await Assert.ThrowsAsync<ArgumentException>(() => sandbox.DownloadFileAsync("../../etc/passwd", default));
    }

    [Fact]
    public async Task Terminate_KillsBackgroundProcesses_AndDeletesTheWorkspace()
    {
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.25";
        var sandbox = await kit.CreateAsync();
        var server = await sandbox.StartAsync($"sleep {marker} & sleep {marker}", SandboxTestKit.Within(30), Path.Combine(kit.Root, "bg.log"), default);
        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesWith($"sleep {marker}").Count >= 2, TimeSpan.FromSeconds(10)));

        await server.DisposeAsync();
        await sandbox.TerminateAsync();

        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesWith($"sleep {marker}").Count == 0, TimeSpan.FromSeconds(10)));
        Assert.Empty(Directory.EnumerateDirectories(kit.Paths.Workspaces));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("CODEGENCICD_TEST_APP_SECRET", null);
        kit.Dispose();
    }
}
