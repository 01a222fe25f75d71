namespace CodegenCicd.Sandboxes.Local;

/// <summary>A long-running sandboxed command (a preview server).</summary>
internal sealed class LocalSandboxProcess : ISandboxProcess
{
    private readonly SandboxedProcess process;

    public LocalSandboxProcess(SandboxedProcess process)
    {
        this.process = process;
        Exited = process.WaitAsync(CancellationToken.None);
    }

    public int ProcessId => process.ProcessId;

    public bool HasExited => process.HasExited;

    public Task<int> Exited { get; }

    public string OutputTail => process.Combined.ToString();

    public Task StopAsync() => process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        await process.KillAsync();
        process.Dispose();
    }
}
