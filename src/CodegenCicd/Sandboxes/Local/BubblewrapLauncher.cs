using System.Diagnostics;
using System.Globalization;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Sandboxes.Isolation;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>What starts one sandboxed command, and the pipes through which the app finishes setting it up.</summary>
/// <param name="InfoFifo">bubblewrap writes the sandbox's first process id here (<c>--info-fd</c>).</param>
/// <param name="BlockFifo">bubblewrap waits for a byte here before running the command (<c>--block-fd</c>).</param>
/// <param name="InUserNamespace">Whether bubblewrap made a user namespace (the app is not root).</param>
internal sealed record SandboxCommandLine(ProcessStartInfo Start, string InfoFifo, string BlockFifo,
    bool InUserNamespace);

/// <summary>
/// Builds the command line that runs one shell command in a bubblewrap sandbox:
/// <c>sh (opens the pipes) → prlimit … → bwrap … → [setpriv …] → /bin/sh -c COMMAND</c>.
/// <list type="bullet">
/// <item>Mount namespace: only <see cref="ReadOnlySystemPaths"/> of the host, read-only; a generated
/// /etc/passwd, group, hosts and resolv.conf; the workspace is the only writable host path, plus
/// size-capped /tmp and /dev/shm. The app's folders are refused at start-up if that set holds them.</item>
/// <item>PID namespace with bwrap as init and <c>--die-with-parent</c>: killing bwrap kills every process of the
/// command.</item>
/// <item>Network namespace of its own, connected by the app before the command runs
/// (<see cref="SandboxNetwork"/>).</item>
/// <item>Seccomp filter (<see cref="SeccompFilter"/>), which also refuses nested user namespaces.</item>
/// <item>When the app is root, bwrap mounts as root and the command then drops to <c>Sandbox:UserId</c>
/// with no capabilities and no-new-privs, so root-owned read-only snapshot files cannot be changed in place.</item>
/// <item>The environment is built from scratch: values travel in it, never in argv, which <c>ps</c> shows.</item>
/// </list>
/// </summary>
internal sealed class BubblewrapLauncher(SandboxOptions options, string bwrapPath, SandboxIsolation isolation,
    UserDatabase users)
{
    public const string WorkspaceMount = "/workspace";
    public const string ImportMount = "/import";
    public const string RelayMount = "/run/sandbox";
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Opens the pipes on fds 3 (info), 4 (block) and 5 (seccomp), then becomes prlimit → bwrap.
    private const string PipeOpener = "exec 3>\"$0\" 4<>\"$1\" 5<\"$2\"; shift 2; exec \"$@\"";

    public static bool RunsAsRoot => Environment.IsPrivilegedProcess;

    public static string? FindBubblewrap() => ExecutableLocator.Find("bwrap");

    /// <param name="runFolder">A private host folder for this command's pipes (never mounted).</param>
    /// <param name="relayFolder">
    /// For a preview, the host folder shown at <see cref="RelayMount"/> where its relay socket goes.
    /// </param>
    public SandboxCommandLine Build(string workspace, string command, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, string runFolder, string? importSource = null,
        string? relayFolder = null)
    {
        var info = Fifo.Create(runFolder, "info");
        var block = Fifo.Create(runFolder, "block");
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = DefaultPath;
        start.Environment["HOME"] = "/tmp";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["CI"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var args = start.ArgumentList;
        Add(args, "-c", PipeOpener, info, block, isolation.SeccompPath ?? "/dev/null");
        AddLimits(args);
        args.Add(bwrapPath);
        AddNamespaces(args);
        Add(args, "--info-fd", "3", "--block-fd", "4");
        if (isolation.SeccompPath is not null)
        {
            Add(args, "--seccomp", "5");
        }
        AddFileSystem(args, workspace, workingDirectory, importSource, relayFolder);
        args.Add("--");
        if (RunsAsRoot)
        {
            var id = options.UserId.ToString(CultureInfo.InvariantCulture);
            Add(args, "setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--");
        }
        Add(args, "/bin/sh", "-c", command);
        return new(start, info, block, InUserNamespace: !RunsAsRoot);
    }

    private void AddLimits(IList<string> args)
    {
        const long MiB = 1024 * 1024;
        args.Add("prlimit");
        args.Add($"--cpu={options.CpuSeconds}");
        args.Add($"--fsize={options.MaxFileSizeMegabytes * MiB}");
        args.Add("--core=0");
        if (isolation.Cgroups.Mode == ResourceLimitMode.Rlimits)
        {
            // The fallback: per process, so they multiply with fork. RLIMIT_NPROC counts per user,
            // and root is exempt from it, so it only means something for Sandbox:UserId.
            args.Add($"--data={options.MemoryMegabytes * MiB}");
            if (RunsAsRoot)
            {
                args.Add($"--nproc={options.MaxProcesses}");
            }
        }
        args.Add("--");
    }

    private static void AddNamespaces(IList<string> args)
    {
        // With root, no user namespace: the command drops to Sandbox:UserId itself, which a user
        // namespace would not map. Without root, bwrap makes one. Either way the seccomp filter
        // refuses nested namespaces; bwrap's --disable-userns is not used because it moves the
        // command into a second user namespace that does not own the network namespace, which
        // slirp4netns and the route set-up must join.
        if (!RunsAsRoot)
        {
            args.Add("--unshare-user");
        }
        Add(args, "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try");
        Add(args, "--hostname", "sandbox", "--die-with-parent", "--new-session");
    }

    private void AddFileSystem(IList<string> args, string workspace, string workingDirectory, string? importSource,
        string? relayFolder)
    {
        foreach (var root in ReadOnlySystemPaths.Roots)
        {
            if (new FileInfo(root).LinkTarget is { } target)
            {
                Add(args, "--symlink", target, root);
            }
            else if (Directory.Exists(root))
            {
                Add(args, "--ro-bind", root, root);
            }
        }
        foreach (var path in options.ExtraReadOnlyPaths)
        {
            Add(args, "--ro-bind-try", path, path);
        }
        // Folders bwrap creates for mount points are private to root unless told otherwise,
        // which would hide /etc from the sandbox user and make /tmp unwritable.
        Add(args, "--perms", "0755", "--dir", "/etc");
        foreach (var entry in ReadOnlySystemPaths.EtcEntries)
        {
            Add(args, "--ro-bind-try", "/etc/" + entry, "/etc/" + entry);
        }
        Add(args, "--ro-bind", users.PasswdPath, "/etc/passwd", "--ro-bind", users.GroupPath, "/etc/group");
        Add(args, "--ro-bind", users.HostsPath, "/etc/hosts", "--ro-bind", users.ResolvConfPath, "/etc/resolv.conf");
        Add(args, "--proc", "/proc", "--dev", "/dev");
        Add(args, "--size", Bytes(options.ShmMegabytes), "--perms", "1777", "--tmpfs", "/dev/shm");
        Add(args, "--remount-ro", "/dev");
        Add(args, "--size", Bytes(options.TmpMegabytes), "--perms", "1777", "--tmpfs", "/tmp");
        Add(args, "--bind", workspace, WorkspaceMount);
        if (importSource is not null)
        {
            Add(args, "--ro-bind", importSource, ImportMount);
        }
        if (relayFolder is not null)
        {
            Add(args, "--perms", "0755", "--dir", "/run", "--bind", relayFolder, RelayMount);
        }
        Add(args, "--chdir", workingDirectory);
    }

    private static string Bytes(int megabytes) => (megabytes * 1024L * 1024).ToString(CultureInfo.InvariantCulture);

    private static void Add(IList<string> args, params string[] values)
    {
        foreach (var value in values)
        {
            args.Add(value);
        }
    }

    /// <summary>The working directory as the sandbox sees it; null when it would leave the workspace.</summary>
    public static string? ResolveWorkingDirectory(string? relative)
    {
        if (string.IsNullOrEmpty(relative) || relative == ".")
        {
            return WorkspaceMount;
        }
        var full = Path.GetFullPath(Path.IsPathRooted(relative) ? relative : Path.Combine(WorkspaceMount, relative));
        return full == WorkspaceMount || full.StartsWith(WorkspaceMount + "/", StringComparison.Ordinal) ? full : null;
    }
}
