using CodegenCicd.Sandboxes.Local;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Reading back what a sandbox wrote (reports) never leaves the workspace, hangs or reads a huge file.</summary>
public sealed class WorkspaceFilesTests : IDisposable
{
    private readonly SandboxTestKit kit = new();

    [Fact]
    public async Task ReportListing_SkipsSymlinkedFoldersAndFiles_AndSurvivesALoop()
    {
        var appData = Directory.CreateDirectory(Path.Combine(kit.Root, "app-data")).FullName;
        await File.WriteAllTextAsync(Path.Combine(appData, "codegencicd.json"), "{\"secret\":1}");
        await using var sandbox = await kit.CreateAsync();
        var setup = await sandbox.ExecuteAsync(
            "mkdir -p reports/sub && echo '[]' > reports/real.json && echo '[]' > reports/sub/deep.json"
            + " && ln -s /etc reports/etc && ln -s /etc/passwd reports/passwd.json && ln -s .. reports/sub/loop"
            + " && ln -s . reports/self",
            SandboxTestKit.Within(30), default);
        Assert.True(setup.Succeeded, setup.Output);
        // A link to the app's data planted from the host side, as a sandbox that guessed the path would.
        File.CreateSymbolicLink(Path.Combine(WorkspaceOf(sandbox), "reports", "app.json"), Path.Combine(appData, "codegencicd.json"));

        var files = sandbox.ListFiles("reports");

        Assert.Equal(["reports/real.json", "reports/sub/deep.json"], files);
    }

    [Fact]
    public async Task Download_OfASymlinkedReport_IsRefusedAndNothingIsRead()
    {
        await using var sandbox = await kit.CreateAsync();
        await sandbox.ExecuteAsync("mkdir reports && ln -s /etc/shadow reports/shadow.json && ln -s /etc/hostname reports/host.json",
            SandboxTestKit.Within(30), default);

        await Assert.ThrowsAsync<ArgumentException>(() => sandbox.DownloadFileAsync("reports/shadow.json", default));
        await Assert.ThrowsAsync<ArgumentException>(() => sandbox.DownloadFileAsync("reports/host.json", default));
        Assert.Null(await sandbox.DownloadFileAsync("reports/missing.json", default));
    }

    [Fact]
    public async Task Download_OfAFifo_FailsAtOnceInsteadOfHanging()
    {
        await using var sandbox = await kit.CreateAsync();
        var made = await sandbox.ExecuteAsync("mkdir reports && mkfifo reports/pipe.json", SandboxTestKit.Within(30), default);
        Assert.True(made.Succeeded, made.Output);

        var read = sandbox.DownloadFileAsync("reports/pipe.json", default);

        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))));
        await Assert.ThrowsAsync<ArgumentException>(() => read);
    }

    [Fact]
    public async Task Download_OfAnOverCapReport_IsRefusedWithoutReadingIt()
    {
        await using var sandbox = await kit.CreateAsync();
        var size = WorkspaceFiles.MaxReadBytes + 1;
        var made = await sandbox.ExecuteAsync($"mkdir reports && truncate -s {size} reports/huge.json && echo '[]' > reports/ok.json",
            SandboxTestKit.Within(30), default);
        Assert.True(made.Succeeded, made.Output);

        var error = await Assert.ThrowsAsync<WorkspaceFileTooLargeException>(() => sandbox.DownloadFileAsync("reports/huge.json", default));
        Assert.Contains("reports/huge.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("cap", error.Message, StringComparison.Ordinal);
        Assert.Equal("[]\n", System.Text.Encoding.UTF8.GetString((await sandbox.DownloadFileAsync("reports/ok.json", default))!));
    }

    private string WorkspaceOf(CodegenCicd.Sandboxes.ISandbox sandbox) =>
        Directory.EnumerateDirectories(kit.Paths.Workspaces).Single(d => File.Exists(Path.Combine(d, "reports", "real.json")));

    public void Dispose() => kit.Dispose();
}
