using System.Diagnostics;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// A started bubblewrap process whose output is pumped line by line into capped tails (and,
/// for previews, a capped log file). Killing it kills the whole PID namespace.
/// </summary>
internal sealed class SandboxedProcess : IDisposable
{
    private readonly Process process;
    private readonly Task pumps;
    private readonly CappedLogFile? log;

    private SandboxedProcess(Process process, SecretMasker masker, int tailCapacity, CappedLogFile? log)
    {
        this.process = process;
        this.log = log;
        Combined = new OutputTail(tailCapacity);
        Stdout = new OutputTail(tailCapacity);
        Stderr = new OutputTail(tailCapacity);
        process.StandardInput.Close();
        pumps = Task.WhenAll(
            Task.Run(() => OutputPump.PumpAsync(process.StandardOutput, masker, line => OnLine(Stdout, "", line))),
            Task.Run(() => OutputPump.PumpAsync(process.StandardError, masker, line => OnLine(Stderr, "[stderr] ", line))));
    }

    public OutputTail Combined { get; }

    public OutputTail Stdout { get; }

    public OutputTail Stderr { get; }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    public static SandboxedProcess Start(ProcessStartInfo start, SecretMasker masker, int tailCapacity, string? logPath, long logMaxBytes)
    {
        var log = logPath is null ? null : new CappedLogFile(logPath, logMaxBytes);
        try
        {
            var process = ProcessSpawner.Start(start);
            return new SandboxedProcess(process, masker, tailCapacity, log);
        }
        catch
        {
            log?.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the exit and for all output to be read; returns the exit code.</summary>
    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        // Everything in the namespace died with its init, so the pipes close and the pumps finish.
        await pumps.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await pumps.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnLine(OutputTail stream, string prefix, string line)
    {
        stream.Append(line);
        Combined.Append(prefix + line);
        log?.WriteLine(prefix, line);
    }

    public void Dispose()
    {
        process.Dispose();
        log?.Dispose();
    }
}
