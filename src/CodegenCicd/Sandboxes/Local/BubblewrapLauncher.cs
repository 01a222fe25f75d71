using System.Diagnostics;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// Builds the command line that runs one shell command in a bubblewrap sandbox:
/// <c>prlimit … -- bwrap … -- [setpriv …] /bin/sh -c COMMAND</c>.
/// <list type="bullet">
/// <item>Mount namespace: /usr, /bin, /lib*, /opt read-only; a minimal /etc (resolver, certificates, users,
/// no host secrets); the workspace is the only writable host path, plus a private size-capped /tmp.
/// The app's data folder, its configuration and its environment are never visible.</item>
/// <item>PID namespace with bwrap as init and <c>--die-with-parent</c>: killing the outer bwrap kills
/// every process the command started.</item>
/// <item>Network namespace shared, so package installs work; the sandbox sees no credentials because its
/// environment is built from scratch (values travel in the environment, never in argv, which <c>ps</c> shows).</item>
/// <item>When the app is root, bwrap mounts as root and the command then drops to <c>Sandbox:UserId</c>
/// with no capabilities and no-new-privs, so RLIMIT_NPROC applies (root is exempt from it) and
/// read-only root-owned snapshot files cannot be changed in place.</item>
/// </list>
/// </summary>
internal sealed class BubblewrapLauncher(SandboxOptions options, string bwrapPath, UserDatabase? users = null)
{
    public const string WorkspaceMount = "/workspace";
    public const string ImportMount = "/import";
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // What programs need from /etc (name resolution, TLS roots, user names, time zone); nothing else.
    private static readonly string[] EtcEntries =
    [
        "resolv.conf", "hosts", "host.conf", "nsswitch.conf", "gai.conf", "services", "protocols",
        "passwd", "group", "localtime", "timezone", "ssl", "ca-certificates", "ca-certificates.conf",
        "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "mime.types", "os-release",
        "debian_version", "profile", "xdg", "fonts", "npmrc", "gitconfig",
    ];

    private static readonly string[] RootLinks = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

    public static bool RunsAsRoot => Environment.IsPrivilegedProcess;

    public static string? FindBubblewrap() => ExecutableLocator.Find("bwrap");

    public ProcessStartInfo Build(string workspace, string command, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, string? importSource = null)
    {
        var start = new ProcessStartInfo("prlimit")
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
        const long MiB = 1024 * 1024;
        args.Add($"--cpu={options.CpuSeconds}");
        args.Add($"--data={options.MemoryMegabytes * MiB}");
        args.Add($"--fsize={options.MaxFileSizeMegabytes * MiB}");
        args.Add("--core=0");
        if (RunsAsRoot)
        {
            args.Add($"--nproc={options.MaxProcesses}");
        }
        args.Add("--");
        args.Add(bwrapPath);
        AddNamespaces(args);
        AddFileSystem(args, workspace, workingDirectory, importSource);
        args.Add("--");
        if (RunsAsRoot)
        {
            args.Add("setpriv");
            args.Add($"--reuid={options.UserId}");
            args.Add($"--regid={options.UserId}");
            args.Add("--clear-groups");
            args.Add("--no-new-privs");
            args.Add("--inh-caps=-all");
            args.Add("--bounding-set=-all");
            args.Add("--");
        }
        args.Add("/bin/sh");
        args.Add("-c");
        args.Add(command);
        return start;
    }

    private static void AddNamespaces(IList<string> args)
    {
        // No user namespace when root: the command drops to Sandbox:UserId itself, which a
        // user namespace would not map. Without root, bwrap creates one automatically.
        foreach (var flag in new[] { "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try" })
        {
            args.Add(flag);
        }
        args.Add("--hostname");
        args.Add("sandbox");
        args.Add("--die-with-parent");
        args.Add("--new-session");
    }

    private void AddFileSystem(IList<string> args, string workspace, string workingDirectory, string? importSource)
    {
        Add(args, "--ro-bind", "/usr", "/usr");
        foreach (var name in RootLinks)
        {
            var host = "/" + name;
            var info = new FileInfo(host);
            if (info.LinkTarget is { } target)
            {
                Add(args, "--symlink", target, host);
            }
            else if (Directory.Exists(host))
            {
                Add(args, "--ro-bind", host, host);
            }
        }
        Add(args, "--ro-bind-try", "/opt", "/opt");
        foreach (var path in options.ExtraReadOnlyPaths)
        {
            Add(args, "--ro-bind-try", path, path);
        }
        // Folders bwrap creates for mount points are private to root unless told otherwise,
        // which would hide /etc from the sandbox user and make /tmp unwritable.
        Add(args, "--perms", "0755", "--dir", "/etc");
        foreach (var entry in EtcEntries)
        {
            if (users is not null && entry is "passwd" or "group")
            {
                Add(args, "--ro-bind", entry == "passwd" ? users.PasswdPath : users.GroupPath, "/etc/" + entry);
            }
            else
            {
                Add(args, "--ro-bind-try", "/etc/" + entry, "/etc/" + entry);
            }
        }
        Add(args, "--proc", "/proc");
        Add(args, "--dev", "/dev");
        Add(args, "--perms", "1777");
        Add(args, "--size", (options.TmpMegabytes * 1024L * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(args, "--tmpfs", "/tmp");
        Add(args, "--bind", workspace, WorkspaceMount);
        if (importSource is not null)
        {
            Add(args, "--ro-bind", importSource, ImportMount);
        }
        Add(args, "--chdir", workingDirectory);
    }

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
