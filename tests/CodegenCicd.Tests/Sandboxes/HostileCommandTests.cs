using System.Net;
using System.Net.Sockets;
using CodegenCicd.Sandboxes.Isolation;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>
/// Real bubblewrap, tried the way a hostile pull request would: from inside the sandbox, at the
/// host's network, the kernel's namespace and mount calls, and the machine's memory and processes.
/// </summary>
public sealed class HostileCommandTests : IDisposable
{
    private readonly SandboxTestKit kit = new(o =>
    {
        o.MemoryMegabytes = 256;
        o.MaxProcesses = 64;
    });

    [Fact]
    public async Task Sandbox_CannotConnectToTheHostsLoopback_ItsAddresses_LinkLocal_OrPrivateNetworks()
    {
        // Stand-ins for the app's port, a database and another preview: listeners on every host address.
        using var app = new TcpListener(IPAddress.Any, 0);
        app.Start();
        var port = ((IPEndPoint)app.LocalEndpoint).Port;
        var hostAddress = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        string[] targets = ["127.0.0.1", "localhost", hostAddress.ToString(), SandboxNetwork.Gateway, "169.254.169.254", "10.1.2.3", "172.16.0.1", "192.168.1.1"];
        await using var sandbox = await kit.CreateAsync();

        var probes = string.Join("; ", targets.Select(t => $"timeout 3 bash -c 'echo x > /dev/tcp/{t}/{port}' 2>/dev/null && echo 'OPEN {t}' || echo 'closed {t}'"));
        var result = await sandbox.ExecuteAsync($"{probes}; ip route", SandboxTestKit.Within(60), default);

        Assert.DoesNotContain("OPEN", result.Output, StringComparison.Ordinal);
        Assert.Equal(targets.Length, result.Stdout.Split('\n').Count(l => l.StartsWith("closed ", StringComparison.Ordinal)));
        // The way out to the internet is there (through slirp4netns), only the host and private ranges are cut off.
        Assert.Contains($"default via {SandboxNetwork.Gateway}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("unreachable 169.254.0.0/16", result.Stdout, StringComparison.Ordinal);
        Assert.False(app.Pending(), "a connection from the sandbox reached the host listener");
    }

    [Fact]
    public async Task Sandbox_CannotChangeItsOwnRoutes()
    {
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("ip route del unreachable 169.254.0.0/16", SandboxTestKit.Within(30), default);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Operation not permitted", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNetworkNone_OnlyTheSandboxsOwnLoopbackExists()
    {
        using var none = new SandboxTestKit(o => o.Network = SandboxNetworkMode.None);
        await using var sandbox = await none.CreateAsync();

        var result = await sandbox.ExecuteAsync("ip -o link | cut -d: -f2; ip route | wc -l", SandboxTestKit.Within(30), default);

        Assert.True(result.Succeeded, result.Output);
        Assert.Equal(" lo\n0\n", result.Stdout);
    }

    [Fact]
    public async Task NestedUserNamespaces_MountsAndKernelKeyrings_AreRefused()
    {
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync(
            "unshare -Ur true && echo USERNS-OK; unshare -n true && echo NETNS-OK; mkdir -p m; mount -t tmpfs none m && echo MOUNT-OK; " +
            "python3 -c 'import ctypes,sys; libc=ctypes.CDLL(None,use_errno=True); r=libc.syscall(250,0,-1,0,0,0); print(\"KEYCTL\", r, ctypes.get_errno())'",
            SandboxTestKit.Within(30), default);

        Assert.DoesNotContain("-OK", result.Output, StringComparison.Ordinal);
        Assert.Contains("unshare failed: Operation not permitted", result.Output, StringComparison.Ordinal);
        Assert.Contains("KEYCTL -1 1", result.Stdout, StringComparison.Ordinal); // keyctl(2) on x86_64: EPERM from the filter
    }

    [Fact]
    public async Task ForkBombInOneSandbox_DoesNotStopACommandInAnother()
    {
        if (kit.Isolation.Cgroups.Mode == ResourceLimitMode.Rlimits)
        {
            Assert.Fail($"this host gives the app no writable cgroup ({kit.Isolation.Cgroups.Problem}); sandboxes share the rlimit fallback");
        }
        await using var bomb = await kit.CreateAsync();
        await using var other = await kit.CreateAsync();

        // The bomb runs until its 8 s limit ends it (bash's read builtin holds it open without a fork, and
        // for longer than the limit however slow the machine); its own cap stops it within milliseconds of starting.
        var bombing = bomb.ExecuteAsync(
            "mkfifo hold; touch started; exec bash -c 'bomb() { bomb | bomb & }; bomb; read -t 300 <> hold'", SandboxTestKit.Within(8), default);
        while (await bomb.DownloadFileAsync("started", default) is null)
        {
            Assert.False(bombing.IsCompleted, (await bombing).Output);
            await Task.WhenAny(bombing, Task.Delay(20));
        }
        var work = await other.ExecuteAsync("for i in $(seq 1 200); do (echo $i > /dev/null); done; echo done", SandboxTestKit.Within(30), default);
        var bombed = await bombing;

        Assert.False(bombing.IsCompletedSuccessfully && !bombed.TimedOut, "the bomb ended before the other sandbox's work: " + bombed.Output);
        Assert.Contains("Resource temporarily unavailable", bombed.Output, StringComparison.Ordinal);
        Assert.True(work.Succeeded, work.Output);
        Assert.Equal("done\n", work.Stdout);
    }

    [Fact]
    public async Task MemoryHog_IsKilled_WithTheLimitNamed()
    {
        if (kit.Isolation.Cgroups.Mode == ResourceLimitMode.Rlimits)
        {
            Assert.Fail($"this host gives the app no writable cgroup ({kit.Isolation.Cgroups.Problem})");
        }
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("python3 -c 'b = []\nwhile True: b.append(bytearray(16 * 1024 * 1024))'", SandboxTestKit.Within(60), default);

        Assert.False(result.Succeeded);
        Assert.Contains("out of memory (limit 256 MB", result.ToCommandResult().OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevShm_IsSizeCapped_AndDevIsReadOnly()
    {
        using var small = new SandboxTestKit(o => o.ShmMegabytes = 4);
        await using var sandbox = await small.CreateAsync();

        var result = await sandbox.ExecuteAsync("dd if=/dev/zero of=/dev/shm/f bs=1M count=8; touch /dev/planted", SandboxTestKit.Within(30), default);

        Assert.Contains("No space left on device", result.Output, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opt_IsNotMounted()
    {
        await using var sandbox = await kit.CreateAsync();

        var result = await sandbox.ExecuteAsync("ls /opt", SandboxTestKit.Within(30), default);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No such file", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => kit.Dispose();
}
