using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Sandboxes.Isolation;

/// <summary>What a sandbox's own network namespace is connected to.</summary>
public enum SandboxNetworkMode
{
    /// <summary>
    /// Outbound internet through slirp4netns (package installs work); nothing on this host or its private networks.
    /// </summary>
    Internet,

    /// <summary>Only the namespace's own loopback.</summary>
    None,
}

/// <summary>
/// Connects a sandbox's network namespace to the internet with slirp4netns (user-mode networking from
/// Debian's package, as rootless Podman does): the namespace gets 10.0.2.100 behind a NAT whose
/// connections slirp4netns makes from the host. What the NAT must never reach is cut off with
/// unreachable routes inside the namespace, set by the app before the command runs (the command
/// holds no capability to change them): the host's loopback (<c>--disable-host-loopback</c>), the
/// host's own addresses, link-local addresses (the cloud metadata service) and the private ranges,
/// less what the operator allows in <c>Sandbox:AllowedNetworks</c>.
/// </summary>
public sealed class SandboxNetwork
{
    public const string Gateway = "10.0.2.2";
    public const string Nameserver = "10.0.2.3";
    private const string Guest = "10.0.2.100";
    private const string Tap = "tap0";
    private const int Mtu = 65520;

    /// <summary>
    /// Never reachable from a sandbox unless allowed: private, shared, link-local and reserved ranges.
    /// </summary>
    public static readonly string[] BlockedRanges =
    [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
    ];

    private readonly string batch;

    public SandboxNetwork(SandboxOptions options, string batchFolder)
    {
        // Without root, slirp4netns is refused entry to the sandbox's network namespace here
        // (setns: EPERM, seen with bubblewrap 0.8 and slirp4netns 1.2 on Debian 12), so such sandboxes
        // stay without network rather than share the host's; Degraded says so.
        Mode = Local.BubblewrapLauncher.RunsAsRoot ? options.Network : SandboxNetworkMode.None;
        NoInternetWithoutRoot = options.Network == SandboxNetworkMode.Internet && Mode == SandboxNetworkMode.None;
        Slirp = ExecutableLocator.Find("slirp4netns");
        NsEnter = ExecutableLocator.Find("nsenter");
        // The tap device is configured here, not by slirp4netns --configure: that also brings the namespace's
        // loopback up, racing bwrap's init, which adds 127.0.0.1 itself and dies when it finds it there
        // ("loopback: Failed RTM_NEWADDR: File exists"): seen as sandboxes failing at random on a loaded machine.
        string[] tap =
        [
            $"link set {Tap} mtu {Mtu}", $"addr add {Guest}/24 dev {Tap}", $"link set {Tap} up",
            $"route add default via {Gateway} dev {Tap}",
        ];
        var lines = tap.Concat(BlockedRanges.Concat(HostAddresses()).Select(r => $"route add unreachable {r}"))
            .Concat(options.AllowedNetworks.Select(r => $"route add {r} via {Gateway}"));
        Directory.CreateDirectory(batchFolder);
        batch = Path.Combine(batchFolder, "sandbox-routes.txt");
        File.WriteAllLines(batch, lines);
    }

    public SandboxNetworkMode Mode { get; }

    /// <summary>Internet was asked for, but the app is not root: sandboxes run without network.</summary>
    public bool NoInternetWithoutRoot { get; }

    public string? Slirp { get; }

    public string? NsEnter { get; }

    /// <summary>Why sandboxes that need the internet cannot have it, or null when they can.</summary>
    public string? Problem => Mode == SandboxNetworkMode.None ? null
        : Slirp is null ? "slirp4netns not found (apt-get install slirp4netns): "
            + "sandboxes cannot reach the internet, so package installs fail; "
            + "set Sandbox:Network=None to run without it"
        : NsEnter is null ? "nsenter not found (apt-get install util-linux)" : null;

    /// <summary>
    /// Connects the namespace of <paramref name="childPid"/> and seals it; returns slirp4netns, which
    /// lives until the namespace's last process exits. Throws <see cref="SandboxUnavailableException"/>.
    /// </summary>
    public async Task<System.Diagnostics.Process?> ConnectAsync(int childPid, bool inUserNamespace, string runFolder,
        CancellationToken cancellationToken)
    {
        if (Mode == SandboxNetworkMode.None)
        {
            return null;
        }
        if (Problem is { } problem)
        {
            throw new SandboxUnavailableException(problem);
        }
        var pid = childPid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<string> args = [$"--mtu={Mtu}", "--disable-host-loopback", "--ready-fd=3"];
        if (inUserNamespace)
        {
            args.Add($"--userns-path=/proc/{pid}/ns/user");
        }
        args.AddRange([pid, Tap]);
        var slirp = await Fifo.StartWithReadyFifoAsync(Slirp!, args, runFolder, cancellationToken);
        try
        {
            List<string> enter = ["-t", pid, "-n"];
            if (inUserNamespace)
            {
                enter.AddRange(["-U", "--preserve-credentials"]);
            }
            await HostCommand.RunAsync(NsEnter!, [.. enter, "ip", "-batch", batch], cancellationToken);
            return slirp;
        }
        catch
        {
            slirp.Kill();
            slirp.Dispose();
            throw;
        }
    }

    /// <summary>This host's own addresses, which slirp4netns would otherwise reach from the host side.</summary>
    private static IEnumerable<string> HostAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .Select(a => a + "/32")
            .Distinct();
}
