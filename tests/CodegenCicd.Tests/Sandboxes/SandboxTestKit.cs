using System.Diagnostics;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Isolation;
using CodegenCicd.Sandboxes.Local;
using CodegenCicd.Sandboxes.Snapshots;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>A Local provider over a private temp root, with options a test can tighten.</summary>
public sealed class SandboxTestKit : IDisposable
{
    private static int nextUserId = 61000 + (Environment.ProcessId % 1000) * 10;

    private readonly bool ownsRoot;

    /// <param name="root">An existing Sandbox:Root to share (an app's); by default a private temp folder.</param>
    public SandboxTestKit(Action<SandboxOptions>? configure = null, string? root = null)
    {
        ownsRoot = root is null;
        Root = root ?? Directory.CreateTempSubdirectory("codegencicd-sandbox-").FullName;
        // A uid of its own per kit: RLIMIT_NPROC counts per user, so a fork bomb here never starves another test.
        Options = new SandboxOptions { Root = Root, UserId = Interlocked.Increment(ref nextUserId) };
        configure?.Invoke(Options);
        Paths = new SandboxPaths(Root);
        Snapshots = new SnapshotStore(Paths, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<SnapshotStore>.Instance);
        Isolation = new SandboxIsolation(Options, Paths);
        Provider = new LocalSandboxProvider(Paths, Snapshots, Isolation, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public string Root { get; }

    public SandboxOptions Options { get; }

    public SandboxPaths Paths { get; }

    public ManualTime Time { get; } = new();

    public SnapshotStore Snapshots { get; }

    public SandboxIsolation Isolation { get; }

    public LocalSandboxProvider Provider { get; }

    public Task<ISandbox> CreateAsync(string? restoreFrom = null, params string[] masked) =>
        Provider.CreateAsync(new SandboxSpec("test", restoreFrom, masked), CancellationToken.None);

    public static ExecuteOptions Within(int seconds, IReadOnlyDictionary<string, string>? environment = null) =>
        new(TimeSpan.FromSeconds(seconds), Environment: environment);

    /// <summary>Processes on the host whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Where(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(marker, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(pid => int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(pid => pid != Environment.ProcessId)
            .ToList();

    /// <summary>Processes on the host running as <paramref name="uid"/>.</summary>
    public static IReadOnlyList<int> ProcessesOfUser(int uid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Where(pid =>
            {
                try
                {
                    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                    return line?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(pid => int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return condition();
    }

    public void Dispose()
    {
        if (!ownsRoot)
        {
            return;
        }
        TempFolder.TryDelete(Root);
    }
}

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualTime : TimeProvider
{
    private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
