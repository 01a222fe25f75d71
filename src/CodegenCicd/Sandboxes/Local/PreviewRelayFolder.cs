using System.Globalization;

namespace CodegenCicd.Sandboxes.Local;

/// <summary>
/// The sandbox's end of a preview's channel: <c>socat</c>, started beside the server inside the
/// sandbox, listens on a Unix socket in a host folder shown at <see cref="BubblewrapLauncher.RelayMount"/>
/// and connects each connection to the server's port on the sandbox's loopback, so servers that
/// bind 127.0.0.1 work. The folder belongs to this one sandbox; no other sandbox mounts it.
/// </summary>
internal static class PreviewRelayFolder
{
    private const string SocketName = "http.sock";

    // Linux caps a Unix socket path at 108 bytes, with the terminating zero.
    private const int MaxSocketPath = 107;

    public static string SocketOf(string folder) => Path.Combine(folder, SocketName);

    public static async Task PrepareAsync(string folder, SandboxOptions options, CancellationToken cancellationToken)
    {
        if (SocketOf(folder).Length > MaxSocketPath)
        {
            throw new SandboxUnavailableException(
                $"Sandbox:Root is too long a path for a preview's socket ({SocketOf(folder)}); use a shorter one");
        }
        if (BubblewrapLauncher.RunsAsRoot)
        {
            var owner = options.UserId.ToString(CultureInfo.InvariantCulture);
            await HostCommand.RunAsync("chown", [$"{owner}:{owner}", folder], cancellationToken);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The start command, preceded by the relay; the server stays the sandbox's main process.</summary>
    public static string Wrap(string command, int port)
    {
        var socket = $"{BubblewrapLauncher.RelayMount}/{SocketName}";
        var relay = $"socat UNIX-LISTEN:{socket},fork,unlink-early,mode=600 "
            + $"TCP:localhost:{port.ToString(CultureInfo.InvariantCulture)}";
        return "command -v socat >/dev/null || "
            + "{ echo 'socat is not installed on the host: previews need it (apt-get install socat)' >&2; exit 127; }\n"
            + $"{relay} &\n{command}";
    }
}
