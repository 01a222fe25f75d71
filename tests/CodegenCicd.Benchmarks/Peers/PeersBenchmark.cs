using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>
/// The app's webhook intake beside two peers, in one run and under the same wrk load: a bare Kestrel HMAC
/// endpoint (the floor: verify and forget), Probot's webhook server (verify and route, store nothing) and
/// the app as a real process on SQLite (verify, store durably, run), twice: with new pull-request heads of a
/// repository nobody pinned (what most deliveries of an App installed on a whole organisation are; intake stores
/// them processed, as no handler has work in them) and with label changes, each of which goes through the
/// dispatcher and the pull-request handler. Each peer is its own process. All are started and warmed up first, then
/// loaded in turns (<c>--rounds</c> of them, each a share of <c>--duration</c>), the others idle meanwhile: on a shared
/// machine whose speed swings by a third within minutes, peers measured one after another were compared across
/// different minutes; in turns, every peer sees the same swings. An app's dispatcher finishes its backlog before the
/// next turn. Every request is a signed ~23 KiB pull_request delivery with a fresh delivery id. Prints requests/s,
/// p50 and p99 of each over all its turns, and the app's ratios to the others; fails when any peer answers anything
/// but success.
///   dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- peers [--duration 15] [--rounds 5] [--warmup 5]
///       [--connections 16] [--threads 2]
/// Needs wrk (apt-get install -y wrk) and Node with npm (Probot is installed by npm ci on first run).
/// </summary>
public sealed class PeersBenchmark : IBenchmark
{
    /// <summary>The pull_request fixture whose compact JSON is closest to GitHub's ~23 KB deliveries.</summary>
    internal const string Fixture = "pull_request.opened.json";

    public string Name => "peers";

    public string Description =>
        "the app's webhook intake beside bare Kestrel HMAC and Probot under the same wrk load (req/s, p50, p99)";

    public async Task RunAsync(string[] args)
    {
        if (args.Contains(BareHmacServer.Flag))
        {
            await BareHmacServer.RunAsync();
            return;
        }
        var load = new WrkLoad(
            Option(args, "--connections", 16), Option(args, "--threads", 2), Option(args, "--duration", 15));
        var warmup = Option(args, "--warmup", 5);
        var rounds = Option(args, "--rounds", 5);
        var slice = Math.Max(1, load.Seconds / rounds);
        Wrk.EnsureInstalled();
        var root = FindRepositoryRoot();
        var peersDir = Path.Combine(root, "tests", "CodegenCicd.Benchmarks", "Peers");
        var script = Path.Combine(peersDir, "peers.lua");
        var work = Directory.CreateTempSubdirectory("codegencicd-peers-").FullName;
        try
        {
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
            var compact = await CompactPayloadAsync(root);
            var opened = await Body.WriteAsync(work, "opened", compact, secret);
            var labeled = await Body.WriteAsync(work, "labeled", Relabel(compact), secret);
            var loadAtStart = LoadAverage();
            var peers = new List<(Func<Task<string>> Name, PeerProcess Process, Body Body)>();
            var notes = new List<string>();
            try
            {
                // All peers up and warm first; then measured in turns, so that the machine's slow swings (a shared
                // host's neighbours) fall on every peer alike instead of on whichever ran in a busy minute.
                foreach (var (name, start, body) in Peers(Path.Combine(peersDir, "probot"), work, secret, opened, labeled))
                {
                    var peer = await start(PeerProcess.FreePort());
                    peers.Add((name, peer, body));
                    await peer.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
                    await WarmAsync(script, load, peer, body, warmup);
                    if (peer.Name == AppPeer.Name)
                    {
                        // Then on until its JIT is done, as a server that has been running is (JitWarmUp).
                        var (took, quiet) = await JitWarmUp.RunAsync(peer.BaseAddress, () => WarmAsync(script, load, peer, body, 5),
                            TimeSpan.Zero, TimeSpan.FromSeconds(90));
                        notes.Add($"{AppPeer.Name}, {body.Action}: warmed up for {warmup + took.TotalSeconds:F0} s" +
                            (quiet ? ", until its JIT compiled for under 1 % of 5 s" : ", its JIT still busy after that"));
                        await AppPeer.DrainAsync(AppPeer.DataDirectory(work, body.Action), TimeSpan.FromSeconds(120));
                    }
                }
                var runs = peers.Select(_ => new List<WrkResult>()).ToList();
                var cpu = new TimeSpan[peers.Count];
                var backlogs = new Backlog?[peers.Count];
                for (var round = 0; round < rounds; round++)
                {
                    // Each round starts with the next peer, so none is always measured right after the same one.
                    for (var turn = 0; turn < peers.Count; turn++)
                    {
                        var i = (round + turn) % peers.Count;
                        var (_, peer, body) = peers[i];
                        var cpuBefore = peer.CpuTime;
                        runs[i].Add(await Wrk.RunAsync(script, load, slice, peer, body.File, body.Signature));
                        peer.EnsureRunning();
                        cpu[i] += peer.CpuTime - cpuBefore;
                        if (peer.Name == AppPeer.Name)
                        {
                            // What the dispatcher still has to do is done before the next peer's turn, not during it.
                            var backlog = await AppPeer.DrainAsync(
                                AppPeer.DataDirectory(work, body.Action), TimeSpan.FromSeconds(120));
                            backlogs[i] = backlogs[i] is { } most && most.WaitingAtStop >= backlog.WaitingAtStop
                                ? most with { Stored = backlog.Stored } : backlog;
                        }
                    }
                }
                var results = new List<PeerResult>();
                for (var i = 0; i < peers.Count; i++)
                {
                    results.Add(new PeerResult(await peers[i].Name(), WrkResult.Merge(runs[i]), cpu[i]));
                }
                PeersReport.Print(results, load, rounds, warmup, opened.Length, loadAtStart, LoadAverage());
                Console.WriteLine();
                notes.ForEach(Console.WriteLine);
                for (var i = 0; i < peers.Count; i++)
                {
                    Console.WriteLine($"{results[i].Name}: requests/s in each turn, in order: " + string.Join(", ",
                        runs[i].Select(r => r.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture))));
                }
                for (var i = 0; i < peers.Count; i++)
                {
                    if (backlogs[i] is { } backlog)
                    {
                        Console.WriteLine($"{results[i].Name}: {backlog}");
                    }
                }
                PeersReport.FailOnErrors(results);
            }
            finally
            {
                foreach (var (_, peer, _) in peers)
                {
                    await peer.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task WarmAsync(string script, WrkLoad load, PeerProcess peer, Body body, int seconds)
    {
        var warm = await Wrk.RunAsync(script, load, seconds, peer, body.File, body.Signature);
        if (warm.Failed)
        {
            throw new InvalidOperationException(
                $"{peer.Name} answered errors while warming up, so nothing was measured.\n" + PeersReport.Describe(warm));
        }
    }

    /// <summary>
    /// The floor first, the app last (each run of it on a fresh database); each with how it is named in the report
    /// (after it ran) and the delivery it is sent.
    /// </summary>
    private static List<(Func<Task<string>> Name, Func<int, Task<PeerProcess>> Start, Body Body)> Peers(
        string probotDir, string work, string secret, Body opened, Body labeled)
    {
        (Func<Task<string>>, Func<int, Task<PeerProcess>>, Body) App(string what, Body body) =>
            (() => Task.FromResult($"{AppPeer.Name} (SQLite), {what}"),
                port => Task.FromResult(PeerProcess.Attach(AppPeer.Name,
                    AppPeer.Start(AppPeer.DataDirectory(work, body.Action), port, secret),
                    port, AppPeer.WebhookPath, "/readyz", expectedStatus: 202)), body);
        return
        [
            (() => Task.FromResult($"bare Kestrel HMAC ({RuntimeInformation.FrameworkDescription})"),
                port => Task.FromResult(PeerProcess.Attach("bare Kestrel HMAC", BareHmacServer.Start(port, secret),
                    port, BareHmacServer.WebhookPath, "/healthz", expectedStatus: 202)), opened),
            (() => ProbotPeer.DescribeAsync(probotDir),
                async port => PeerProcess.Attach("Probot", await ProbotPeer.StartAsync(probotDir, port, secret),
                    port, ProbotPeer.WebhookPath, "/healthz", expectedStatus: 200), opened),
            App("new heads, nobody pinned: settled at intake", opened),
            App("labels: every one dispatched", labeled),
        ];
    }

    /// <summary>The same delivery with another action: <c>labeled</c> is handled (waiting merge gates of the PR are
    /// looked for), and the body is parsed to find the pull request.</summary>
    private static byte[] Relabel(byte[] compact)
    {
        var json = Encoding.UTF8.GetString(compact);
        const string Opened = "\"action\":\"opened\"";
        if (!json.StartsWith("{" + Opened, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Fixture} no longer starts with {Opened}.");
        }
        return Encoding.UTF8.GetBytes("{\"action\":\"labeled\"" + json[(Opened.Length + 1)..]);
    }

    /// <summary>A body written for wrk, with its action and its signature.</summary>
    private sealed record Body(string Action, string File, string Signature, int Length)
    {
        public static async Task<Body> WriteAsync(string work, string action, byte[] body, string secret)
        {
            var file = Path.Combine(work, $"{action}.json");
            await System.IO.File.WriteAllBytesAsync(file, body);
            var signature = "sha256="
                + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
            return new Body(action, file, signature, body.Length);
        }
    }

    /// <summary>The fixture as GitHub sends it: compact JSON, not the fixture's indented file.</summary>
    private static async Task<byte[]> CompactPayloadAsync(string root)
    {
        var path = Path.Combine(root, "tests", "CodegenCicd.Tests", "Fixtures", "github-webhooks", Fixture);
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        await using (var writer = new Utf8JsonWriter(buffer, options))
        {
            document.WriteTo(writer);
        }
        return buffer.ToArray();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg")
        ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
        : "unknown";

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CodegenCicd.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            "Run the benchmark from inside the repository (CodegenCicd.sln not found).");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length
            && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : fallback;
    }
}
