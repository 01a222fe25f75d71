using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Sandboxes.Isolation;

namespace CodegenCicd.Sandboxes;

public enum SandboxProviderKind
{
    Local,
}

public sealed class SandboxOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Sandbox";

    /// <summary>Local: bubblewrap-isolated processes on this host.</summary>
    public SandboxProviderKind Provider { get; set; } = SandboxProviderKind.Local;

    /// <summary>Where workspaces and snapshots live (relative paths are under the content root).</summary>
    [Required(ErrorMessage = "Sandbox:Root must not be empty")]
    public string Root { get; set; } = "data/sandboxes";

    /// <summary>
    /// When the app runs as root, sandboxed commands run as this unprivileged uid (and gid), so the
    /// process limit counts only sandbox processes and snapshot files (owned by root, read-only) cannot be changed.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "Sandbox:UserId must be a positive uid (not root)")]
    public int UserId { get; set; } = 65534;

    /// <summary>
    /// Wall-clock limit of one setup or analysis command (the deploy's timeout_seconds caps it further).
    /// </summary>
    [Range(1, 86_400, ErrorMessage = "Sandbox:CommandTimeoutSeconds must be between 1 and 86400")]
    public int CommandTimeoutSeconds { get; set; } = 900;

    /// <summary>
    /// What sandboxes can reach: <c>Internet</c> (default: outbound internet through slirp4netns, for
    /// package installs; never this host, its loopback, link-local or private addresses) or <c>None</c>
    /// (only the sandbox's own loopback). Previews reach the app through their own relay either way.
    /// </summary>
    public SandboxNetworkMode Network { get; set; } = SandboxNetworkMode.Internet;

    /// <summary>
    /// Private networks (CIDR, e.g. an internal package mirror's 10.20.0.0/16) that sandboxes may reach after all.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>CPU a sandbox may use at once, in cores (cgroup CPU quota).</summary>
    [Range(0.1, 1024, ErrorMessage = "Sandbox:CpuCores must be between 0.1 and 1024")]
    public double CpuCores { get; set; } = 2;

    /// <summary>CPU time per process (RLIMIT_CPU).</summary>
    [Range(1, 86_400, ErrorMessage = "Sandbox:CpuSeconds must be between 1 and 86400")]
    public int CpuSeconds { get; set; } = 1800;

    /// <summary>
    /// Memory of the whole sandbox (its cgroup); per process (RLIMIT_DATA) where cgroups are not writable.
    /// </summary>
    [Range(64, 1_048_576, ErrorMessage = "Sandbox:MemoryMegabytes must be between 64 and 1048576")]
    public int MemoryMegabytes { get; set; } = 4096;

    /// <summary>
    /// Processes and threads of the whole sandbox (cgroup pids.max);
    /// RLIMIT_NPROC of <see cref="UserId"/> where cgroups are not writable.
    /// </summary>
    [Range(8, 100_000, ErrorMessage = "Sandbox:MaxProcesses must be between 8 and 100000")]
    public int MaxProcesses { get; set; } = 512;

    /// <summary>Largest file a sandbox may write (RLIMIT_FSIZE).</summary>
    [Range(1, 1_048_576, ErrorMessage = "Sandbox:MaxFileSizeMegabytes must be between 1 and 1048576")]
    public int MaxFileSizeMegabytes { get; set; } = 2048;

    /// <summary>A workspace growing past this is stopped (checked while commands run).</summary>
    [Range(1, 10_485_760, ErrorMessage = "Sandbox:WorkspaceMaxMegabytes must be between 1 and 10485760")]
    public int WorkspaceMaxMegabytes { get; set; } = 8192;

    /// <summary>Size of the private /tmp (a tmpfs, so it counts against memory).</summary>
    [Range(1, 65_536, ErrorMessage = "Sandbox:TmpMegabytes must be between 1 and 65536")]
    public int TmpMegabytes { get; set; } = 1024;

    /// <summary>Size of /dev/shm (a tmpfs, so it counts against memory).</summary>
    [Range(1, 65_536, ErrorMessage = "Sandbox:ShmMegabytes must be between 1 and 65536")]
    public int ShmMegabytes { get; set; } = 256;

    /// <summary>Live previews on one node; past it, the one unused for longest is stopped.</summary>
    [Range(1, 10_000, ErrorMessage = "Sandbox:MaxLivePreviews must be between 1 and 10000")]
    public int MaxLivePreviews { get; set; } = 20;

    /// <summary>How much of each command's output is kept in its result (the tail).</summary>
    [Range(1, 10_240, ErrorMessage = "Sandbox:OutputTailKilobytes must be between 1 and 10240")]
    public int OutputTailKilobytes { get; set; } = 64;

    /// <summary>Cap of a running preview's log file; later output is dropped with a marker.</summary>
    [Range(1, 10_240, ErrorMessage = "Sandbox:LogFileMaxMegabytes must be between 1 and 10240")]
    public int LogFileMaxMegabytes { get; set; } = 16;

    /// <summary>A preview nobody opened for this long is torn down by the sweeper.</summary>
    [Range(1, 525_600, ErrorMessage = "Sandbox:PreviewTtlMinutes must be between 1 and 525600")]
    public int PreviewTtlMinutes { get; set; } = 24 * 60;

    /// <summary>How often each node sweeps its idle previews, old snapshots and old logs.</summary>
    [Range(1, 86_400, ErrorMessage = "Sandbox:SweepIntervalSeconds must be between 1 and 86400")]
    public int SweepIntervalSeconds { get; set; } = 300;

    /// <summary>Snapshots unused for this long are deleted.</summary>
    [Range(1, 3650, ErrorMessage = "Sandbox:SnapshotMaxAgeDays must be between 1 and 3650")]
    public int SnapshotMaxAgeDays { get; set; } = 14;

    /// <summary>Least recently used snapshots are deleted while the total is above this.</summary>
    [Range(1, 10_485_760, ErrorMessage = "Sandbox:SnapshotMaxTotalMegabytes must be between 1 and 10485760")]
    public int SnapshotMaxTotalMegabytes { get; set; } = 20_480;

    /// <summary>
    /// Host folders shown read-only inside sandboxes besides /usr, /bin, /sbin and /lib* (toolchains
    /// installed elsewhere, e.g. /opt/node). The app refuses to start when one holds its own folders.
    /// </summary>
    public List<string> ExtraReadOnlyPaths { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var path in ExtraReadOnlyPaths)
        {
            if (!Path.IsPathFullyQualified(path))
            {
                yield return new($"Sandbox:ExtraReadOnlyPaths: '{path}' must be an absolute path");
            }
        }
        foreach (var network in AllowedNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                yield return new(
                    $"Sandbox:AllowedNetworks: '{network}' is not a network in CIDR form (e.g. 10.20.0.0/16)");
            }
        }
        if (MaxFileSizeMegabytes > WorkspaceMaxMegabytes)
        {
            yield return new("Sandbox:MaxFileSizeMegabytes must not exceed Sandbox:WorkspaceMaxMegabytes");
        }
    }
}
