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
/// the app as a real process on SQLite (verify, store, enqueue). Each peer is its own process, started,
/// warmed up, measured and stopped before the next, so it shares the cores only with wrk. Every request is
/// a signed ~23 KiB pull_request delivery with a fresh delivery id. Prints requests/s, p50 and p99 of each,
/// and the app's ratios to the others; fails when any peer answers anything but success.
///   dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- peers [--duration 15] [--warmup 5]
///       [--connections 16] [--threads 2]
/// Needs wrk (apt-get install -y wrk) and Node with npm (Probot is installed by npm ci on first run).
/// </summary>
public sealed class PeersBenchmark : IBenchmark
{
    /// <summary>The pull_request fixture whose compact JSON is closest to GitHub's ~23 KB deliveries.</summary>
    private const string Fixture = "pull_request.opened.json";

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
        var load = new WrkLoad(Option(args, "--connections", 16), Option(args, "--threads", 2), Option(args, "--duration", 15));
        var warmup = Option(args, "--warmup", 5);
        Wrk.EnsureInstalled();
        var peersDir = Path.Combine(FindRepositoryRoot(), "tests", "CodegenCicd.Benchmarks", "Peers");
        var probotDir = Path.Combine(peersDir, "probot");
        var work = Directory.CreateTempSubdirectory("codegencicd-peers-").FullName;
        try
        {
            var body = await CompactPayloadAsync();
            var bodyFile = Path.Combine(work, "body.json");
            await File.WriteAllBytesAsync(bodyFile, body);
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
            var loadAtStart = LoadAverage();

            var peers = new List<(string Name, Func<int, Task<PeerProcess>> Start)>
            {
                ($"bare Kestrel HMAC ({RuntimeInformation.FrameworkDescription})", port => Task.FromResult(
                    PeerProcess.Attach("bare Kestrel HMAC", BareHmacServer.Start(port, secret), port,
                        BareHmacServer.WebhookPath, "/healthz", expectedStatus: 202))),
                // Described after the first start, which installs it.
                ("Probot", async port => PeerProcess.Attach("Probot", await ProbotPeer.StartAsync(probotDir, port, secret),
                    port, ProbotPeer.WebhookPath, "/healthz", expectedStatus: 200)),
                ("CodegenCICD (SQLite)", port => Task.FromResult(
                    PeerProcess.Attach("CodegenCICD", AppPeer.Start(work, port, secret), port,
                        AppPeer.WebhookPath, "/readyz", expectedStatus: 202))),
            };
            var results = new List<(string Name, WrkResult Result)>();
            foreach (var (name, start) in peers)
            {
                var port = PeerProcess.FreePort();
                await using var peer = await start(port);
                await peer.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
                var warm = await Wrk.RunAsync(Path.Combine(peersDir, "peers.lua"), load, warmup, peer, bodyFile, signature);
                if (warm.Failed)
                {
                    throw new InvalidOperationException($"{name} answered errors while warming up; nothing measured.\n{Describe(warm)}");
                }
                var measured = await Wrk.RunAsync(Path.Combine(peersDir, "peers.lua"), load, load.Seconds, peer, bodyFile, signature);
                peer.EnsureRunning();
                results.Add((name == "Probot" ? await ProbotPeer.DescribeAsync(probotDir) : name, measured));
            }
            Print(results, load, warmup, body.Length, loadAtStart, LoadAverage());
            var failed = results.Where(r => r.Result.Failed).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException("Figures of errors are worthless; these peers did not answer every request with success:\n"
                    + string.Join('\n', failed.Select(f => $"{f.Name}: {Describe(f.Result)}")));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Print(List<(string Name, WrkResult Result)> results, WrkLoad load, int warmup, int bodyBytes,
        string loadAtStart, string loadAtEnd)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("## Peers: signed pull_request deliveries under the same load");
        Console.WriteLine();
        Console.WriteLine(string.Create(invariant,
            $"wrk, {load.Connections} connections, {load.Threads} threads, {load.Seconds} s per peer after a {warmup} s warm-up; " +
            $"a {bodyBytes / 1024.0:F1} KiB `{Fixture}` delivery, signed, each request with a fresh X-GitHub-Delivery."));
        Console.WriteLine($"{Environment.ProcessorCount} cores; load average (1, 5, 15 min) {loadAtStart} at start, {loadAtEnd} at end.");
        Console.WriteLine();
        Console.WriteLine("| peer | requests/s | p50 | p99 | non-2xx | socket errors |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, r) in results)
        {
            Console.WriteLine(string.Create(invariant,
                $"| {name} | {r.RequestsPerSecond:N0} | {r.P50Ms:F1} ms | {r.P99Ms:F1} ms | {r.Non2xx + r.Other2xx} | {r.SocketErrors + r.Timeouts} |"));
        }
        var app = results[^1].Result;
        Console.WriteLine();
        Console.WriteLine("| the app ÷ | requests/s | p50 | p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, peer) in results.Take(results.Count - 1).Reverse())
        {
            Console.WriteLine(string.Create(invariant,
                $"| {name} | {app.RequestsPerSecond / peer.RequestsPerSecond:F3}× | {app.P50Ms / peer.P50Ms:F1}× | {app.P99Ms / peer.P99Ms:F1}× |"));
        }
    }

    private static string Describe(WrkResult r)
    {
        var unexpected = r.Unexpected.Count == 0 ? "none" : string.Join(" | ", r.Unexpected);
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Requests} requests: {r.Expected} expected, {r.Other2xx} other 2xx, {r.Non2xx} non-2xx, " +
            $"{r.SocketErrors} socket errors, {r.Timeouts} timeouts. First unexpected answers: {unexpected}");
    }

    /// <summary>The fixture as GitHub sends it: compact JSON, not the fixture's indented file.</summary>
    private static async Task<byte[]> CompactPayloadAsync()
    {
        var path = Path.Combine(FindRepositoryRoot(), "tests", "CodegenCicd.Tests", "Fixtures", "github-webhooks", Fixture);
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }
        return buffer.ToArray();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CodegenCicd.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run the benchmark from inside the repository (CodegenCicd.sln not found).");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }
}
