namespace CodegenCicd.Sandboxes;

/// <summary>
/// One interface over sandbox providers, in the spirit of grainchain: create a sandbox, run commands
/// in it, move files in and out, snapshot it and start new sandboxes from a snapshot. The Local
/// provider isolates with bubblewrap; remote providers can implement the same calls.
/// </summary>
public interface ISandboxProvider
{
    string Name { get; }

    /// <summary>A new sandbox, empty or restored from <see cref="SandboxSpec.RestoreFrom"/>.</summary>
    Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken);

    /// <summary>Whether a snapshot with this id can be restored.</summary>
    bool HasSnapshot(string snapshotId);
}

/// <param name="Name">Readable prefix of the sandbox id (e.g. the repository and PR).</param>
/// <param name="RestoreFrom">
/// A snapshot id from <see cref="ISandbox.SnapshotAsync"/>; null for an empty workspace.
/// </param>
/// <param name="MaskedValues">Values replaced by *** in every output (secrets, tokens).</param>
public sealed record SandboxSpec(string Name, string? RestoreFrom, IReadOnlyCollection<string> MaskedValues);

/// <param name="Timeout">Wall-clock limit; the whole process tree is killed when it passes.</param>
/// <param name="WorkingDirectory">Relative to the workspace; null is the workspace itself.</param>
/// <param name="ServesPort">For a long-running command: the port it serves HTTP on inside the sandbox, which
/// the app (and nothing else) reaches through <see cref="ISandboxProcess.Address"/>.</param>
public sealed record ExecuteOptions(
    TimeSpan Timeout,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    int? ServesPort = null);

/// <summary>What one command did. Output is capped to its tail and has masked values replaced.</summary>
/// <param name="Output">Standard output and error interleaved in arrival order (the tail).</param>
/// <param name="Failure">Why the sandbox stopped the command (timeout, workspace too large), or null.</param>
public sealed record ExecutionResult(
    string Command,
    string Stdout,
    string Stderr,
    string Output,
    int ExitCode,
    TimeSpan Duration,
    bool TimedOut,
    bool OutputTruncated,
    string? Failure = null)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && Failure is null;

    public CommandResult ToCommandResult() =>
        new(Command, ExitCode, Duration, Failure is null ? Output : $"{Output}\n[sandbox] {Failure}", TimedOut);
}

public interface ISandbox : IAsyncDisposable
{
    string Id { get; }

    /// <summary>The workspace path as commands see it.</summary>
    string WorkspaceMountPath { get; }

    Task<ExecutionResult> ExecuteAsync(string command, ExecuteOptions options, CancellationToken cancellationToken);

    /// <summary>Starts a long-running command; its output goes to <paramref name="logPath"/> (capped).</summary>
    Task<ISandboxProcess> StartAsync(
        string command, ExecuteOptions options, string logPath, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a host folder's files into the workspace (existing files are replaced, not edited in place).
    /// </summary>
    Task ImportTreeAsync(string hostDirectory, CancellationToken cancellationToken);

    Task UploadFileAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Null when the file does not exist. Paths are relative to the workspace and cannot leave it.</summary>
    Task<byte[]?> DownloadFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>Relative paths of the files under a workspace folder, recursively.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>
    /// Keeps the workspace as a snapshot under a content-addressed id, leaving out
    /// <paramref name="excludedPaths"/> (the checked-out sources, which every restore brings fresh).
    /// </summary>
    Task<string> SnapshotAsync(
        string key, IReadOnlyCollection<string> excludedPaths, CancellationToken cancellationToken);

    /// <summary>Kills everything the sandbox started and deletes its workspace.</summary>
    Task TerminateAsync();
}

/// <summary>A long-running command (a preview server).</summary>
public interface ISandboxProcess : IAsyncDisposable
{
    int ProcessId { get; }

    bool HasExited { get; }

    /// <summary>Completes when the process exits, with its exit code.</summary>
    Task<int> Exited { get; }

    /// <summary>The last lines of output, masked.</summary>
    string OutputTail { get; }

    /// <summary>
    /// Where the app reaches <see cref="ExecuteOptions.ServesPort"/>:
    /// a loopback port only the app's side of the sandbox holds.
    /// </summary>
    Uri? Address { get; }

    /// <summary>Why the sandbox stopped the command itself (a limit), or null.</summary>
    string? StopReason { get; }

    Task StopAsync();
}
