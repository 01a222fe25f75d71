using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using CodegenCicd.GitHub.Webhooks;

namespace CodegenCicd.Benchmarks;

/// <summary>
/// Signed-webhook acknowledgement: starts the built app as a real process (Kestrel, SQLite, in-memory
/// jobs), posts signed deliveries from 16 concurrent clients, and reports acknowledgement latency
/// (p50/p99) and throughput. Every request is a distinct delivery, so each one is verified, stored and
/// enqueued; the delivery jobs run alongside on the same cores, as in production.
/// Two modes: as fast as the clients can go (closed loop: the latency is mostly queueing once the
/// cores are saturated), and at fixed offered rates (open loop, each latency counted from the
/// request's scheduled start, so a stall is not hidden by the clients slowing down).
///   dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- webhooks [--requests N] [--clients N] [--rates 100,300,600]
/// </summary>
public sealed class WebhookBenchmark : IBenchmark
{
    private const string Secret = "benchmark-webhook-secret";

    public string Name => "webhooks";

    public string Description => "signed webhook acknowledgement latency (p50/p99) and throughput at 16 concurrent clients";

    public async Task RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 5000);
        var clients = Option(args, "--clients", 16);
        var rates = Rates(args);
        var payloadPath = Path.Combine(FindRepositoryRoot(), "tests", "CodegenCicd.Tests", "Fixtures", "github-webhooks", "issue_comment.created.json");
        var body = await File.ReadAllBytesAsync(payloadPath);
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-bench-").FullName;
        var port = AppReadiness.FreePort();
        using var app = StartApp(dataDir, port);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            };
            await AppReadiness.WaitAsync(http);
            await SendAsync(http, body, 200, clients, rate: null); // warm-up: JIT, connection pool, SQLite pages
            Console.WriteLine($"## Signed webhook acknowledgement ({clients} concurrent clients, {body.Length / 1024.0:F1} KiB payload)");
            Console.WriteLine();
            Console.WriteLine("| offered load | requests | p50 | p90 | p99 | max | throughput |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var rate in rates)
            {
                var watch = Stopwatch.StartNew();
                var latencies = await SendAsync(http, body, requests, clients, rate);
                watch.Stop();
                var p = Percentiles.Of(latencies);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(rate is null ? "as fast as possible" : $"{rate} req/s")} | {p.Count} | {p.P50Ms:F2} ms | {p.P90Ms:F2} ms | {p.P99Ms:F2} ms | {p.MaxMs:F2} ms | {p.Count / watch.Elapsed.TotalSeconds:F0} req/s |"));
            }
            Console.WriteLine();
            Console.WriteLine($"{Environment.ProcessorCount} cores, {RuntimeInformationText()}");
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <param name="rate">Requests per second to offer, or null to send as fast as the clients can.</param>
    private static async Task<List<TimeSpan>> SendAsync(HttpClient http, byte[] body, int count, int clients, int? rate)
    {
        var signature = WebhookSignature.Sign(body, Secret);
        var next = -1;
        var origin = Stopwatch.GetTimestamp();
        var results = new List<TimeSpan>[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var mine = results[client] = [];
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                if (rate is { } perSecond)
                {
                    // Pacing, not synchronisation: request i is due at i / rate seconds.
                    var due = origin + (long)(index * (double)Stopwatch.Frequency / perSecond);
                    if (due > started)
                    {
                        await Task.Delay(Stopwatch.GetElapsedTime(started, due));
                    }
                    started = due;
                }
                using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoint.Path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-GitHub-Event", "issue_comment");
                request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
                request.Headers.Add(WebhookSignature.Header, signature);
                using var response = await http.SendAsync(request);
                mine.Add(Stopwatch.GetElapsedTime(started));
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"Delivery refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
        return results.SelectMany(r => r).ToList();
    }

    private static Process StartApp(string dataDir, int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__App"] = $"Data Source={dataDir}/app.db";
        start.Environment["GitHub__WebhookSecret"] = Secret;
        start.Environment["GitHub__SyncInstallationsAtStartup"] = "false";
        start.Environment["Admin__Password"] = "benchmark-admin-password";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        // Drain the output so the app never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }


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

    /// <summary>The closed-loop run first, then each offered rate (<c>--rates 100,300,600</c>; <c>--rates none</c> for only the first).</summary>
    private static List<int?> Rates(string[] args)
    {
        var index = Array.IndexOf(args, "--rates");
        var text = index >= 0 && index + 1 < args.Length ? args[index + 1] : "100,300,600";
        return [null, .. text.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => int.TryParse(r, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : (int?)null)
            .OfType<int>().Select(r => (int?)r)];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
