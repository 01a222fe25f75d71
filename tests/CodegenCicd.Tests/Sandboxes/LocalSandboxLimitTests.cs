using CodegenCicd.Sandboxes;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Real bubblewrap: commands that hang, flood, fork or fill the disk end with a clear result and leave the host clean.</summary>
public sealed class LocalSandboxLimitTests
{
    [Fact]
    public async Task HangingCommand_TimesOut_AndEveryProcessItStartedDies()
    {
        using var kit = new SandboxTestKit();
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.5";
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync($"(sleep {marker} &) ; sleep {marker}", SandboxTestKit.Within(2), default);

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Contains("timed out after 2 s", result.ToCommandResult().OutputTail, StringComparison.Ordinal);
        Assert.True(result.Duration < TimeSpan.FromSeconds(20), $"took {result.Duration}");
        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesWith($"sleep {marker}").Count == 0, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SandboxWhoseInitDiesWhileMounting_IsReportedWithBubblewrapsOwnMessage()
    {
        using var kit = new SandboxTestKit();
        await using var sandbox = await kit.CreateAsync();
        // bwrap's init mounts after it reports its pid: a bind source gone by then kills it mid-set-up. Whether the
        // app notices while it connects the sandbox's network (an error) or at the command's end (a failed result)
        // depends on timing; either way what is reported is bwrap's own reason.
        foreach (var workspace in Directory.GetDirectories(kit.Paths.Workspaces))
        {
            Directory.Delete(workspace, recursive: true);
        }

        string reported;
        try
        {
            var result = await sandbox.ExecuteAsync("true", SandboxTestKit.Within(10), default);
            Assert.False(result.Succeeded);
            reported = result.Output;
        }
        catch (SandboxUnavailableException error)
        {
            Assert.StartsWith("the sandbox's init exited before its command started", error.Message, StringComparison.Ordinal);
            reported = error.Message;
        }
        Assert.Contains("Can't find source path", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FloodingOutput_KeepsOnlyACappedTail()
    {
        using var kit = new SandboxTestKit(o => o.OutputTailKilobytes = 8);
        await using var sandbox = await kit.CreateAsync();

        // yes complains on stderr when head closes the pipe; stderr and stdout are pumped separately, so silence it.
        var result = await sandbox.ExecuteAsync("yes flooding-line 2>/dev/null | head -c 30000000; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo THE-END",
            SandboxTestKit.Within(60), default);

        Assert.True(result.Succeeded, result.Failure);
        Assert.True(result.OutputTruncated);
        Assert.True(result.Output.Length < 9 * 1024, $"kept {result.Output.Length} chars");
        Assert.EndsWith("THE-END\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForkBomb_IsContained_AndLeavesNoProcessBehind()
    {
        using var kit = new SandboxTestKit(o => o.MaxProcesses = 24);
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("bomb() { bomb | bomb & }; bomb; sleep 3", SandboxTestKit.Within(4), default);

        Assert.False(result.Succeeded && result.Output.Length == 0);
        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesOfUser(kit.Options.UserId).Count == 0, TimeSpan.FromSeconds(15)),
            "processes of the sandbox user survived");
    }

    [Fact]
    public async Task WritingAHugeFile_StopsAtTheFileSizeLimit()
    {
        using var kit = new SandboxTestKit(o => o.MaxFileSizeMegabytes = 4);
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("head -c 50000000 /dev/zero > big.bin", SandboxTestKit.Within(30), default);

        Assert.False(result.Succeeded);
        Assert.Contains("file size limit", result.Failure, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(kit.Paths.Workspaces, sandbox.Id, "big.bin")).Length <= 4 * 1024 * 1024);
    }

    [Fact]
    public async Task FillingTheWorkspace_IsStopped_WithTheSettingNamed()
    {
        using var kit = new SandboxTestKit(o => { o.MaxFileSizeMegabytes = 2; o.WorkspaceMaxMegabytes = 10; });
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("i=0; while true; do i=$((i+1)); head -c 1500000 /dev/zero > f$i.bin; sleep 0.05; done",
            SandboxTestKit.Within(60), default);

        Assert.False(result.Succeeded);
        Assert.False(result.TimedOut, result.Output);
        Assert.True(result.Failure?.Contains("Sandbox:WorkspaceMaxMegabytes", StringComparison.Ordinal), $"{result.ExitCode} {result.Failure} {result.Output}");
    }

    [Fact]
    public async Task FailingCommand_ReportsItsExitCodeAndOutput()
    {
        using var kit = new SandboxTestKit();
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("echo about to fail >&2; exit 7", SandboxTestKit.Within(30), default);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("about to fail", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(7, result.ToCommandResult().ExitCode);
    }
}
