using System.Diagnostics;
using System.Text.Json;
using CodegenCicd.Sandboxes.Isolation;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// A started bubblewrap process whose output is pumped line by line into capped tails (and,
/// for previews, a capped log file). Before its command runs, the app puts the sandbox into its
/// own cgroup and connects its network namespace; bubblewrap waits for that on its block pipe.
/// Killing it kills the whole PID namespace.
/// </summary>
internal sealed class SandboxedProcess : IDisposable
{
    private readonly Process process;
    private readonly Task pumps;
    private readonly CappedLogFile? log;
    private readonly string runFolder;
    private SandboxCgroup? cgroup;
    private Process? network;

    private SandboxedProcess(Process process, SecretMasker masker, int tailCapacity, CappedLogFile? log,
        string runFolder)
    {
        this.process = process;
        this.log = log;
        this.runFolder = runFolder;
        Combined = new OutputTail(tailCapacity);
        Stdout = new OutputTail(tailCapacity);
        Stderr = new OutputTail(tailCapacity);
        process.StandardInput.Close();
        pumps = Task.WhenAll(
            Task.Run(() => OutputPump.PumpAsync(process.StandardOutput, masker, line => OnLine(Stdout, "", line))),
            Task.Run(() => OutputPump.PumpAsync(process.StandardError, masker,
                line => OnLine(Stderr, "[stderr] ", line))));
    }

    public OutputTail Combined { get; }

    public OutputTail Stdout { get; }

    public OutputTail Stderr { get; }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Whether the sandbox's cgroup saw the kernel kill a process for want of memory.</summary>
    public bool OutOfMemory => cgroup?.WasOutOfMemory() ?? false;

    public static async Task<SandboxedProcess> StartAsync(SandboxCommandLine command, SandboxIsolation isolation,
        string runFolder, SecretMasker masker, int tailCapacity, string? logPath, long logMaxBytes,
        CancellationToken cancellationToken)
    {
        var log = logPath is null ? null : new CappedLogFile(logPath, logMaxBytes);
        SandboxedProcess? started = null;
        try
        {
            started = new SandboxedProcess(ProcessSpawner.Start(command.Start), masker, tailCapacity, log, runFolder);
            await started.SetUpAsync(command, isolation, cancellationToken);
            return started;
        }
        catch
        {
            if (started is not null)
            {
                await started.KillAsync();
                started.Dispose();
            }
            else
            {
                log?.Dispose();
                await WorkspacePaths.DeleteAsync(runFolder);
            }
            throw;
        }
    }

    private async Task SetUpAsync(SandboxCommandLine command, SandboxIsolation isolation,
        CancellationToken cancellationToken)
    {
        var info = await Fifo.ReadAsync(command.InfoFifo, process, text => text.Contains('}'), cancellationToken);
        if (!info.Contains('}'))
        {
            await process.WaitForExitAsync(CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            await pumps.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new SandboxUnavailableException("bubblewrap could not create the sandbox: " + BubblewrapMessage());
        }
        var childPid = JsonDocument.Parse(info[..(info.IndexOf('}') + 1)]).RootElement
            .GetProperty("child-pid").GetInt32();
        cgroup = isolation.Cgroups.Create(Path.GetFileName(runFolder), isolation.Options);
        try
        {
            cgroup?.Add(childPid);
            network = await isolation.Network.ConnectAsync(childPid, command.InUserNamespace, runFolder,
                cancellationToken);
        }
        catch (Exception ex) when (ex is HostCommandException or SandboxUnavailableException or IOException)
        {
            // bwrap's init sets up its loopback and mounts the sandbox's file system after it reports its pid
            // and before it waits for us: when it dies in between, its own message says why, not our step.
            if (!await ExitedWithinAsync(TimeSpan.FromSeconds(5)))
            {
                throw;
            }
            throw new SandboxUnavailableException($"the sandbox's init exited before its command started "
                + $"(bubblewrap exit {process.ExitCode}: {BubblewrapMessage()}); {ex.Message}");
        }
        Fifo.Signal(command.BlockFifo);
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan wait)
    {
        await process.WaitForExitAsync(CancellationToken.None).WaitAsync(wait, CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!process.HasExited)
        {
            return false;
        }
        await pumps.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return true;
    }

    private string BubblewrapMessage() =>
        Stderr.ToString().Replace("[stderr] ", "", StringComparison.Ordinal).Trim() is { Length: > 0 } text
            ? text
            : "nothing on stderr";

    /// <summary>Waits for the exit and for all output to be read; returns the exit code.</summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        // Everything in the namespace died with its init, so the pipes close and the pumps finish.
        await pumps.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return process.ExitCode;
    }

    public async Task KillAsync()
    {
        try
        {
            // SIGKILL to bwrap; its init child has PR_SET_PDEATHSIG, and when a PID namespace's
            // init dies the kernel kills every process in it.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        cgroup?.KillAll();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await pumps.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnLine(OutputTail stream, string prefix, string line)
    {
        stream.Append(line);
        Combined.Append(prefix + line);
        log?.WriteLine(prefix, line);
    }

    public void Dispose()
    {
        if (network is { HasExited: false })
        {
            network.Kill();
        }
        network?.Dispose();
        cgroup?.Dispose();
        process.Dispose();
        log?.Dispose();
        try
        {
            Directory.Delete(runFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
