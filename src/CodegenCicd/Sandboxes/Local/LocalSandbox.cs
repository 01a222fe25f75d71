using System.Collections.Concurrent;
using System.Diagnostics;
using CodegenCicd.Sandboxes.Isolation;
using CodegenCicd.Sandboxes.Snapshots;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>One workspace on this host; every command runs in its own bubblewrap sandbox over it.</summary>
internal sealed class LocalSandbox(
    string id,
    string workspace,
    SandboxOptions options,
    BubblewrapLauncher launcher,
    SandboxIsolation isolation,
    SnapshotStore snapshots,
    SecretMasker masker) : ISandbox
{
    private static readonly TimeSpan WorkspaceCheckInterval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<int, SandboxedProcess> running = new();
    private readonly long workspaceMaxBytes = options.WorkspaceMaxMegabytes * 1024L * 1024;
    private int terminated;

    public string Id => id;

    public string WorkspaceMountPath => BubblewrapLauncher.WorkspaceMount;

    /// <summary>The workspace on the host (Local provider only).</summary>
    public string HostWorkspace => workspace;

    public Task<ExecutionResult> ExecuteAsync(string command, ExecuteOptions execute,
        CancellationToken cancellationToken) =>
        RunAsync(command, execute, importSource: null, cancellationToken);

    private async Task<ExecutionResult> RunAsync(string command, ExecuteOptions execute, string? importSource,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(terminated != 0, this);
        var clock = Stopwatch.StartNew();
        var maskedCommand = masker.Apply(command);
        if (BubblewrapLauncher.ResolveWorkingDirectory(execute.WorkingDirectory) is not { } workingDirectory)
        {
            return new(maskedCommand, "", "", "", -1, TimeSpan.Zero, false, false,
                $"working directory '{execute.WorkingDirectory}' is outside the workspace");
        }
        var runFolder = NewRunFolder();
        var line = launcher.Build(workspace, command, workingDirectory,
            execute.Environment ?? new Dictionary<string, string>(), runFolder, importSource);
        using var process = await SandboxedProcess.StartAsync(line, isolation, runFolder, masker,
            options.OutputTailKilobytes * 1024, logPath: null, 0, cancellationToken);
        running[process.ProcessId] = process;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(execute.Timeout < TimeSpan.FromDays(1) ? execute.Timeout : TimeSpan.FromDays(1));
        var watchdog = WatchWorkspaceSizeAsync(stop);
        string? failure = null;
        var timedOut = false;
        int exitCode;
        try
        {
            exitCode = await process.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            await process.KillAsync();
            cancellationToken.ThrowIfCancellationRequested();
            exitCode = -1;
            failure = await watchdog;
            timedOut = failure is null;
            failure ??= $"timed out after {execute.Timeout.TotalSeconds:0.#} s; every process it started was killed";
        }
        finally
        {
            running.TryRemove(process.ProcessId, out _);
            await stop.CancelAsync();
        }
        failure ??= process.OutOfMemory ? OutOfMemory : null;
        failure ??= DescribeSignal(exitCode);
        return new(maskedCommand, process.Stdout.ToString(), process.Stderr.ToString(), process.Combined.ToString(),
            exitCode, clock.Elapsed, timedOut, process.Combined.Truncated, failure);
    }

    /// <summary>
    /// Cancels <paramref name="stop"/> and says why when the workspace grows past its cap (a disk-filling command).
    /// </summary>
    private async Task<string?> WatchWorkspaceSizeAsync(CancellationTokenSource stop)
    {
        using var timer = new PeriodicTimer(WorkspaceCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                var size = DirectorySize.Of(workspace);
                if (size > workspaceMaxBytes)
                {
                    await stop.CancelAsync();
                    return "the workspace grew past Sandbox:WorkspaceMaxMegabytes "
                        + $"({options.WorkspaceMaxMegabytes} MiB); the command was stopped";
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    private string OutOfMemory =>
        $"out of memory (limit {options.MemoryMegabytes} MB, Sandbox:MemoryMegabytes): "
        + "the kernel killed a process of this sandbox";

    /// <summary>
    /// A private folder for one command's pipes (never mounted into the sandbox); short, for Unix socket paths.
    /// </summary>
    private string NewRunFolder()
    {
        var folder = Path.Combine(isolation.Paths.Run, Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return folder;
    }

    private string? DescribeSignal(int exitCode) => exitCode switch
    {
        128 + 24 => $"CPU time limit reached (Sandbox:CpuSeconds = {options.CpuSeconds})",
        128 + 25 => $"file size limit reached (Sandbox:MaxFileSizeMegabytes = {options.MaxFileSizeMegabytes})",
        _ => null,
    };

    public async Task<ISandboxProcess> StartAsync(string command, ExecuteOptions execute, string logPath,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(terminated != 0, this);
        var workingDirectory = BubblewrapLauncher.ResolveWorkingDirectory(execute.WorkingDirectory)
            ?? throw new ArgumentException($"working directory '{execute.WorkingDirectory}' is outside the workspace",
                nameof(execute));
        var runFolder = NewRunFolder();
        string? relayFolder = null;
        if (execute.ServesPort is { } port)
        {
            relayFolder = Directory.CreateDirectory(runFolder + "-relay").FullName;
            await PreviewRelayFolder.PrepareAsync(relayFolder, options, cancellationToken);
            command = PreviewRelayFolder.Wrap(command, port);
        }
        var line = launcher.Build(workspace, command, workingDirectory,
            execute.Environment ?? new Dictionary<string, string>(), runFolder, relayFolder: relayFolder);
        var process = await SandboxedProcess.StartAsync(line, isolation, runFolder, masker,
            options.OutputTailKilobytes * 1024, logPath, options.LogFileMaxMegabytes * 1024L * 1024, cancellationToken);
        running[process.ProcessId] = process;
        var relay = relayFolder is null ? null : new PreviewRelay(PreviewRelayFolder.SocketOf(relayFolder));
        return new LocalSandboxProcess(process, relay, relayFolder, workspace, workspaceMaxBytes, OutOfMemory, options);
    }

    public async Task ImportTreeAsync(string hostDirectory, CancellationToken cancellationToken)
    {
        // Copied by the sandbox user, so the files are its own; --remove-destination replaces a file
        // that came from a snapshot instead of writing into it (it is a hard link shared with the snapshot).
        var result = await RunAsync("cp -R --preserve=mode,timestamps --remove-destination /import/. /workspace/",
            new ExecuteOptions(TimeSpan.FromMinutes(5)), hostDirectory, cancellationToken);
        if (!result.Succeeded)
        {
            throw new HostCommandException($"copying the sources into the workspace failed: {result.Output}");
        }
    }

    public async Task UploadFileAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var target = WorkspacePaths.Resolve(workspace, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Never write into an existing file: it may be a hard link shared with a snapshot.
        File.Delete(target);
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        await content.CopyToAsync(file, cancellationToken);
    }

    public async Task<byte[]?> DownloadFileAsync(string path, CancellationToken cancellationToken)
    {
        var target = WorkspacePaths.Resolve(workspace, path);
        return await WorkspaceFiles.ReadAsync(workspace, target, path, cancellationToken);
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var folder = WorkspacePaths.Resolve(workspace, directory);
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return WorkspaceFiles.List(workspace, folder);
    }

    public Task<string> SnapshotAsync(string key, IReadOnlyCollection<string> excludedPaths,
        CancellationToken cancellationToken) =>
        snapshots.CreateAsync(key, workspace, excludedPaths, cancellationToken);

    public async Task TerminateAsync()
    {
        if (Interlocked.Exchange(ref terminated, 1) != 0)
        {
            return;
        }
        foreach (var process in running.Values)
        {
            await process.KillAsync();
        }
        running.Clear();
        await WorkspacePaths.DeleteAsync(workspace);
    }

    public ValueTask DisposeAsync() => new(TerminateAsync());
}
