namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// A long-running sandboxed command (a preview server), reached through its relay when it serves a
/// port. Its workspace is watched while it runs: past <c>Sandbox:WorkspaceMaxMegabytes</c> it is
/// stopped, and <see cref="StopReason"/> says so.
/// </summary>
internal sealed class LocalSandboxProcess : ISandboxProcess
{
    private static readonly TimeSpan WorkspaceCheckInterval = TimeSpan.FromSeconds(2);

    private readonly SandboxedProcess process;
    private readonly PreviewRelay? relay;
    private readonly string? relayFolder;
    private readonly string outOfMemory;
    private readonly SandboxOptions options;
    private readonly CancellationTokenSource watching = new();
    private string? stopReason;

    public LocalSandboxProcess(SandboxedProcess process, PreviewRelay? relay, string? relayFolder, string workspace,
        long workspaceMaxBytes, string outOfMemory, SandboxOptions options)
    {
        this.process = process;
        this.relay = relay;
        this.relayFolder = relayFolder;
        this.outOfMemory = outOfMemory;
        this.options = options;
        Exited = process.WaitAsync(CancellationToken.None);
        _ = WatchWorkspaceAsync(workspace, workspaceMaxBytes);
    }

    public int ProcessId => process.ProcessId;

    public bool HasExited => process.HasExited;

    public Task<int> Exited { get; }

    public string OutputTail => process.Combined.ToString();

    public Uri? Address => relay?.Address;

    public string? StopReason => stopReason ?? (process.HasExited && process.OutOfMemory ? outOfMemory : null);

    private async Task WatchWorkspaceAsync(string workspace, long maxBytes)
    {
        using var timer = new PeriodicTimer(WorkspaceCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(watching.Token) && !process.HasExited)
            {
                if (DirectorySize.Of(workspace) > maxBytes)
                {
                    stopReason = "the preview's workspace grew past Sandbox:WorkspaceMaxMegabytes "
                        + $"({options.WorkspaceMaxMegabytes} MiB); it was stopped";
                    await process.KillAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StopAsync() => process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        await watching.CancelAsync();
        await process.KillAsync();
        if (relay is not null)
        {
            await relay.DisposeAsync();
        }
        process.Dispose();
        if (relayFolder is not null)
        {
            await WorkspacePaths.DeleteAsync(relayFolder);
        }
        watching.Dispose();
    }
}
