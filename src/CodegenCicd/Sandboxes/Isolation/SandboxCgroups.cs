using System.Globalization;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>How a sandbox's memory, process count and CPU are capped as a whole.</summary>
public enum ResourceLimitMode
{
    /// <summary>No writable cgroup: per-process rlimits only, which multiply with <c>fork</c>.</summary>
    Rlimits,
    CgroupV1,
    CgroupV2,
}

/// <summary>
/// Finds where this process may create cgroups and creates one per sandbox command, so a fork bomb
/// or a memory hog meets the sandbox's own limit and never another sandbox's or the app's. Under
/// cgroup v2 the app moves itself into a leaf (<c>app</c>) first, because a cgroup that holds
/// processes cannot hand controllers to its children; under systemd that needs <c>Delegate=yes</c>.
/// </summary>
public sealed class SandboxCgroups
{
    private const string Mount = "/sys/fs/cgroup";
    private static readonly string[] V1Controllers = ["memory", "pids", "cpu"];

    private readonly Dictionary<string, string> parents;

    private SandboxCgroups(ResourceLimitMode mode, Dictionary<string, string> parents, string? problem)
    {
        Mode = mode;
        this.parents = parents;
        Problem = problem;
    }

    public ResourceLimitMode Mode { get; }

    /// <summary>Why cgroups are not used, when they are not.</summary>
    public string? Problem { get; }

    public static SandboxCgroups Detect(string? cgroupFile = null, string mount = Mount)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new(ResourceLimitMode.Rlimits, [], "not Linux");
        }
        var lines = File.Exists(cgroupFile ?? "/proc/self/cgroup")
            ? File.ReadAllLines(cgroupFile ?? "/proc/self/cgroup")
            : [];
        try
        {
            if (File.Exists(Path.Combine(mount, "cgroup.controllers")))
            {
                return DetectV2(mount, lines);
            }
            return DetectV1(mount, lines);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(ResourceLimitMode.Rlimits, [], $"cgroups not writable here ({ex.Message})");
        }
    }

    private static SandboxCgroups DetectV1(string mount, string[] lines)
    {
        var parents = new Dictionary<string, string>();
        foreach (var controller in V1Controllers)
        {
            var own = lines.Select(l => l.Split(':', 3))
                .FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains(controller))?[2];
            var root = Path.Combine(mount, controller);
            if (own is null || !Directory.Exists(root))
            {
                return new(ResourceLimitMode.Rlimits, [], $"no cgroup v1 '{controller}' controller mounted");
            }
            var parent = Path.Combine(root + own.TrimEnd('/'), "codegencicd-sandboxes");
            Directory.CreateDirectory(parent);
            ProveWritable(parent);
            parents[controller] = parent;
        }
        return new(ResourceLimitMode.CgroupV1, parents, null);
    }

    private static SandboxCgroups DetectV2(string mount, string[] lines)
    {
        var own = lines.FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/";
        var current = mount + own.TrimEnd('/');
        // A process sits in a leaf; the sandboxes become its siblings under the same parent we own.
        var owner = Path.GetFileName(current) == "app" ? Path.GetDirectoryName(current)! : current;
        var needed = new[] { "memory", "pids", "cpu" };
        var available = File.ReadAllText(Path.Combine(owner, "cgroup.controllers"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (needed.Except(available).ToList() is { Count: > 0 } missing)
        {
            return new(ResourceLimitMode.Rlimits, [],
                $"cgroup v2 controllers not delegated here: {string.Join(", ", missing)} (systemd: Delegate=yes)");
        }
        if (owner == current)
        {
            var leaf = Path.Combine(owner, "app");
            Directory.CreateDirectory(leaf);
            foreach (var pid in File.ReadAllLines(Path.Combine(owner, "cgroup.procs")))
            {
                TryWrite(Path.Combine(leaf, "cgroup.procs"), pid);
            }
        }
        File.WriteAllText(Path.Combine(owner, "cgroup.subtree_control"), "+memory +pids +cpu");
        ProveWritable(owner);
        return new(ResourceLimitMode.CgroupV2, new() { ["unified"] = owner }, null);
    }

    /// <summary>A folder that exists (another process made it) may still be closed to this one: try a child.</summary>
    private static void ProveWritable(string parent)
    {
        var trial = Path.Combine(parent, $"sandbox-trial-{Environment.ProcessId}");
        Directory.CreateDirectory(trial);
        Directory.Delete(trial);
    }

    /// <summary>A new cgroup for one sandboxed command, with its limits set; null in rlimit mode.</summary>
    public SandboxCgroup? Create(string name, SandboxOptions options)
    {
        if (Mode == ResourceLimitMode.Rlimits)
        {
            return null;
        }
        var memory = (options.MemoryMegabytes * 1024L * 1024).ToString(CultureInfo.InvariantCulture);
        var pids = options.MaxProcesses.ToString(CultureInfo.InvariantCulture);
        var quota = ((long)(options.CpuCores * 100_000)).ToString(CultureInfo.InvariantCulture);
        var folders = new List<string>();
        try
        {
            if (Mode == ResourceLimitMode.CgroupV2)
            {
                var folder = Path.Combine(parents["unified"], FolderName(name));
                Directory.CreateDirectory(folder);
                folders.Add(folder);
                File.WriteAllText(Path.Combine(folder, "memory.max"), memory);
                TryWrite(Path.Combine(folder, "memory.swap.max"), "0");
                File.WriteAllText(Path.Combine(folder, "pids.max"), pids);
                File.WriteAllText(Path.Combine(folder, "cpu.max"), $"{quota} 100000");
                return new SandboxCgroup(Mode, folders, Path.Combine(folder, "memory.events"));
            }
            foreach (var (controller, parent) in parents)
            {
                var folder = Path.Combine(parent, FolderName(name));
                Directory.CreateDirectory(folder);
                folders.Add(folder);
                switch (controller)
                {
                    case "memory":
                        File.WriteAllText(Path.Combine(folder, "memory.limit_in_bytes"), memory);
                        TryWrite(Path.Combine(folder, "memory.memsw.limit_in_bytes"), memory);
                        break;
                    case "pids":
                        File.WriteAllText(Path.Combine(folder, "pids.max"), pids);
                        break;
                    case "cpu":
                        File.WriteAllText(Path.Combine(folder, "cpu.cfs_period_us"), "100000");
                        File.WriteAllText(Path.Combine(folder, "cpu.cfs_quota_us"), quota);
                        break;
                }
            }
            return new SandboxCgroup(Mode, folders,
                Path.Combine(parents["memory"], FolderName(name), "memory.oom_control"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            new SandboxCgroup(Mode, folders, "").Dispose();
            throw new SandboxUnavailableException($"could not create the sandbox's cgroup: {ex.Message}");
        }
    }

    /// <summary>
    /// Removes groups left by a process that died before it could (only empty ones can go). Several processes
    /// share the parent (nodes on one machine, <c>receive</c>, tests), and a group is empty for a moment
    /// between its creation and its command's start: a group whose creator is alive is never touched.
    /// </summary>
    public void RemoveLeftovers()
    {
        foreach (var parent in parents.Values)
        {
            foreach (var folder in Directory.Exists(parent) ? Directory.GetDirectories(parent) : [])
            {
                var file = Path.GetFileName(folder);
                var ours = file.StartsWith(Prefix, StringComparison.Ordinal);
                // Unprefixed groups under cgroup v1 were made by versions before the creator's id was in the name.
                if ((ours || Mode == ResourceLimitMode.CgroupV1) && !(ours && CreatorIsAlive(file)))
                {
                    SandboxCgroup.TryRemove(folder);
                }
            }
        }
    }

    private const string Prefix = "sandbox-";

    /// <summary><c>sandbox-{creator's process id}-{sandbox}</c>: whose group it is survives the creator.</summary>
    private static string FolderName(string name) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{name}");

    private static bool CreatorIsAlive(string folder)
    {
        var rest = folder[Prefix.Length..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false; // a group of the earlier "sandbox-{name}" form (cgroup v2): its creator is long gone
        }
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    internal static bool TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
