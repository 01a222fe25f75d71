using System.Net;
using System.Net.Sockets;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Sandboxes.Isolation;
using CodegenCicd.Sandboxes.Local;
using CodegenCicd.Sandboxes.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Probe;

/// <summary>
/// <c>sandbox-probe</c>: starts one real sandbox with this installation's configuration and tries,
/// from inside it, what a hostile pull request would: read the app's folders, connect to a port
/// on the host (as the app's own would be), to the host's addresses and the cloud metadata address,
/// and open a nested user namespace. Prints one line per attempt; exit 0 when every one was
/// refused, 1 when any got through, 2 when the configuration itself is refused.
/// </summary>
public static class SandboxProbeCommand
{
    public const string Name = "sandbox-probe";

    public static bool IsInvoked(string[] args) => args is [Name, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args[1..]);
        builder.Configuration.AddSeedAliases();
        var options = builder.Configuration.GetSection(SandboxOptions.SectionName).Get<SandboxOptions>() ?? new();
        var contentRoot = builder.Environment.ContentRootPath;
        var refused = new SandboxExposureValidator(builder.Environment, builder.Configuration).Validate(null, options);
        if (refused.Failed)
        {
            await Console.Error.WriteLineAsync(refused.FailureMessage);
            return 2;
        }
        var paths = new SandboxPaths(Path.GetFullPath(options.Root, contentRoot));
        var isolation = new SandboxIsolation(options, paths);
        Console.WriteLine($"sandbox isolation: {isolation.Describe()}");
        foreach (var problem in isolation.Problems)
        {
            Console.WriteLine($"warning: {problem}");
        }
        var snapshots = new SnapshotStore(paths, Options.Create(options), TimeProvider.System,
            NullLogger<SnapshotStore>.Instance);
        var provider = new LocalSandboxProvider(paths, snapshots, isolation, Options.Create(options));

        // Stands in for the app's port and any service on the host.
        using var hostPort = new TcpListener(IPAddress.Any, 0);
        hostPort.Start();
        var port = ((IPEndPoint)hostPort.LocalEndpoint).Port;
        var attempts = Attempts(contentRoot, paths.Root, port).ToList();
        await using var sandbox = await provider.CreateAsync(new SandboxSpec("probe", null, []),
            CancellationToken.None);
        var script = string.Join("\n", attempts.Select((a, i) =>
            $"if ( {a.Command} ) >/dev/null 2>&1; then echo 'GOT {i}'; else echo 'NO {i}'; fi"));
        var result = await sandbox.ExecuteAsync(script, new ExecuteOptions(TimeSpan.FromMinutes(2)),
            CancellationToken.None);

        var escaped = 0;
        for (var i = 0; i < attempts.Count; i++)
        {
            var got = result.Stdout.Contains($"GOT {i}\n", StringComparison.Ordinal)
                || hostPort.Pending() && attempts[i].Command.Contains("/dev/tcp", StringComparison.Ordinal);
            escaped += got ? 1 : 0;
            Console.WriteLine($"{(got ? "REACHED" : "refused")}  {attempts[i].What}");
        }
        Console.WriteLine(escaped == 0 ? "every attempt was refused" : $"{escaped} attempt(s) got through");
        return escaped == 0 ? 0 : 1;
    }

    private static IEnumerable<(string What, string Command)> Attempts(string contentRoot, string sandboxRoot, int port)
    {
        foreach (var (what, path) in new[]
        {
            ("the app's content root", contentRoot), ("Sandbox:Root", sandboxRoot), ("/etc/shadow", "/etc/shadow"),
            ("/root", "/root")
        })
        {
            yield return ($"read {what} ({path})", $"ls -A '{path}' | grep -q . || cat '{path}'");
        }
        var hostAddresses = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .Select(a => a.ToString());
        foreach (var address in new[] { "127.0.0.1", SandboxNetwork.Gateway }.Concat(hostAddresses))
        {
            yield return ($"connect to a port on the host at {address}:{port}",
                $"timeout 3 bash -c 'echo > /dev/tcp/{address}/{port}'");
        }
        yield return ("connect to the cloud metadata service (169.254.169.254:80)",
            "timeout 3 bash -c 'echo > /dev/tcp/169.254.169.254/80'");
        yield return ("connect to a private network (10.0.0.1:80, 192.168.0.1:80)",
            "timeout 3 bash -c 'echo > /dev/tcp/10.0.0.1/80' || timeout 3 bash -c 'echo > /dev/tcp/192.168.0.1/80'");
        yield return ("create a user namespace (unshare -Ur true)", "unshare -Ur true");
        yield return ("mount a filesystem", "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m");
    }
}
