using CodegenCicd.Sandboxes.Local;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>
/// What this host gives every sandbox beyond bubblewrap's namespaces: its network (<see cref="SandboxNetwork"/>),
/// its seccomp filter (<see cref="SeccompFilter"/>) and its resource limits (<see cref="SandboxCgroups"/>).
/// Detected once; <see cref="Describe"/> is what /readyz and the Overview show.
/// </summary>
public sealed class SandboxIsolation
{
    public SandboxIsolation(SandboxOptions options, SandboxPaths paths)
        : this(options, paths, SandboxCgroups.Detect())
    {
    }

    public SandboxIsolation(SandboxOptions options, SandboxPaths paths, SandboxCgroups cgroups)
    {
        Options = options;
        Paths = paths;
        Cgroups = cgroups;
        Network = new SandboxNetwork(options, Path.Combine(paths.Root, "etc"));
        (SeccompPath, SeccompProblem) = SeccompFilter.File;
        Cgroups.RemoveLeftovers();
    }

    public SandboxOptions Options { get; }

    public SandboxPaths Paths { get; }

    public SandboxCgroups Cgroups { get; }

    public SandboxNetwork Network { get; }

    public string? SeccompPath { get; }

    public string? SeccompProblem { get; }

    /// <summary>Problems that leave sandboxes weaker than documented, or unable to run as configured.</summary>
    public IReadOnlyList<string> Problems =>
        new[] { Network.Problem, SeccompProblem,
                Network.NoInternetWithoutRoot
                    ? "Sandbox:Network=Internet needs the app to run as root here "
                        + "(slirp4netns cannot join a sandbox's namespace otherwise): "
                        + "sandboxes have no network, so package installs that download fail"
                    : null,
                Cgroups.Problem is { } p ? $"resource limits are per process (rlimits), not per sandbox: {p}" : null }
            .OfType<string>().ToList();

    /// <summary>One line: network, kernel filter and resource-limit mode.</summary>
    public string Describe() =>
        $"network: {(Network.Mode == SandboxNetworkMode.None ? "none"
            : Network.Problem is null ? "internet via slirp4netns (no host, no private networks)"
            : "unavailable")}; " +
        $"seccomp: {(SeccompPath is null ? "off" : "on")}; " +
        $"limits: {Cgroups.Mode switch
        {
            ResourceLimitMode.CgroupV2 => "cgroup v2",
            ResourceLimitMode.CgroupV1 => "cgroup v1",
            _ => "rlimits (per process)"
        }}; " +
        $"user: {(BubblewrapLauncher.RunsAsRoot ? $"uid {Options.UserId}" : "the app's own, in a user namespace")}";
}
