using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CodegenCicd.Benchmarks;

/// <summary>
/// The admin API and the dashboard pages on a large database: starts the built app as a real process
/// (Kestrel, SQLite, in-memory jobs), seeds 200 pinned projects and 100,000 pipeline runs with their
/// four stages each through one raw transaction (<see cref="AdminApiSeed"/>), then measures each
/// endpoint with 4 concurrent connections (closed loop): p50/p90/p99 and throughput.
/// The API authenticates with <c>Admin:ApiToken</c>, the pages with the admin cookie.
/// Target (issue #15): p50 under 5 ms and p99 under 20 ms.
///   dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- admin-api [--requests N] [--projects N] [--runs N]
/// </summary>
public sealed partial class AdminApiBenchmark : IBenchmark
{
    private const string Token = "benchmark-admin-api-token";
    private const string Password = "benchmark-admin-password";
    private const int Connections = 4;

    public string Name => "admin-api";

    public string Description => "admin API and dashboard latency (p50/p99) on 200 projects and 100,000 runs, 4 connections. "
        + "Options: [--requests 1000] [--projects 200] [--runs 100000] [--only TEXT] (only the requests whose label contains TEXT, e.g. to profile one)";

    public async Task RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 1000);
        var projects = Option(args, "--projects", 200);
        var runs = Option(args, "--runs", 100_000);
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? args[o + 1] : null;
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-bench-").FullName;
        var port = AppReadiness.FreePort();
        using var app = StartApp(dataDir, port);
        try
        {
            var cookies = new CookieContainer();
            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Connections,
                CookieContainer = cookies,
                AllowAutoRedirect = false,
            })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
                Timeout = TimeSpan.FromMinutes(10), // before issue #15's fixes one dashboard request took over 100 s under load
            };
            await AppReadiness.WaitAsync(http, migratedIsEnough: true);
            var seeding = Stopwatch.StartNew();
            var seed = await AdminApiSeed.SeedAsync(Path.Combine(dataDir, "app.db"), projects, runs);
            seeding.Stop();
            Console.Error.WriteLine($"seeded; the app is process {app.Id}"); // for perf record -p
            await SignInAsync(http);

            var targets = new (string Label, string Path, bool Api)[]
            {
                ("GET /api/status", "/api/status", true),
                ("GET /api/projects", "/api/projects", true),
                ("GET /api/projects?limit=200 (all)", "/api/projects?limit=200", true),
                ("GET /api/projects?repo=", $"/api/projects?repo={seed.SomeRepository}", true),
                ("GET /api/runs", "/api/runs", true),
                ("GET /api/runs?project=", $"/api/runs?project={seed.SomeProjectId}", true),
                ("GET /api/runs?status=Failed", "/api/runs?status=Failed", true),
                ("GET /api/runs?status=Running", "/api/runs?status=Running", true),
                ("GET /api/runs?pr=", $"/api/runs?pr={seed.SomePullRequest}", true),
                ("GET /api/runs?project=&status=Succeeded", $"/api/runs?project={seed.SomeProjectId}&status=Succeeded", true),
                ("GET /api/runs?limit=20&before= (page 50)", $"/api/runs?limit=20&before={seed.LastRunId - 1000}", true),
                ("GET /Projects (dashboard)", "/Projects", false),
                ("GET /Runs (page)", "/Runs", false),
            };
            Console.WriteLine($"## Admin API and dashboard: {projects} projects, {runs:N0} runs, {Connections} connections");
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Seeded {projects} projects, {runs:N0} runs and {runs * 4:N0} stages in {seeding.Elapsed.TotalSeconds:F1} s " +
                $"({seed.Running} runs running, {seed.OpenPullRequests} open pull requests)."));
            Console.WriteLine();
            Console.WriteLine("| request | requests | p50 | p90 | p99 | max | throughput | bytes | warm-up |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var (label, path, api) in targets.Where(t => only is null || t.Label.Contains(only, StringComparison.Ordinal)))
            {
                var warmedUp = await WarmUpAsync(http, path, api);
                var watch = Stopwatch.StartNew();
                var (latencies, bytes) = await MeasureAsync(http, path, api, requests);
                watch.Stop();
                var p = Percentiles.Of(latencies);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {p.Count} | {p.P50Ms:F2} ms | {p.P90Ms:F2} ms | {p.P99Ms:F2} ms | {p.MaxMs:F2} ms | {p.Count / watch.Elapsed.TotalSeconds:F0} req/s | {bytes:N0} | {warmedUp.TotalSeconds:F0} s |"));
            }
            Console.WriteLine();
            Console.WriteLine($"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// Requests for at least eight seconds before measuring, and on until the app's JIT is done (<see cref="JitWarmUp"/>):
    /// the JIT's tiers, query plans, database pages. A running server is past all that; a few dozen requests were
    /// not, and neither were eight seconds: under perf the JIT's background thread was then still a quarter of the
    /// app's CPU on the dashboard page.
    /// </summary>
    private static async Task<TimeSpan> WarmUpAsync(HttpClient http, string path, bool api)
    {
        var (took, _) = await JitWarmUp.RunAsync(http.BaseAddress!, async () =>
        {
            var slice = Stopwatch.StartNew();
            while (slice.Elapsed < TimeSpan.FromSeconds(2))
            {
                await MeasureAsync(http, path, api, 40);
            }
        }, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(60));
        return took;
    }

    /// <returns>The latencies, and the size of the last answer (a check that it is the page it should be).</returns>
    /// <remarks>
    /// Each answer is read into one reused buffer and dropped. The client shares the server's two cores, and
    /// reading each answer into a new array cost it a large-object allocation per dashboard page (494 KB): at
    /// 400 pages/s the client's own garbage collections took CPU the server was being measured on.
    /// </remarks>
    private static async Task<(List<TimeSpan> Latencies, long Bytes)> MeasureAsync(HttpClient http, string path, bool api, int count)
    {
        var next = -1;
        long bytes = 0;
        var results = new List<TimeSpan>[Connections];
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(client => Task.Run(async () =>
        {
            var mine = results[client] = [];
            var buffer = new byte[64 * 1024];
            while (Interlocked.Increment(ref next) < count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (api)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
                }
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException(
                        $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                await using var body = await response.Content.ReadAsStreamAsync();
                long length = 0;
                for (int read; (read = await body.ReadAsync(buffer)) > 0;)
                {
                    length += read;
                }
                mine.Add(Stopwatch.GetElapsedTime(started));
                Interlocked.Exchange(ref bytes, length);
            }
        })));
        return (results.SelectMany(r => r).ToList(), bytes);
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
        start.Environment["Sandbox__Root"] = Path.Combine(dataDir, "sandboxes");
        start.Environment["GitHub__SyncInstallationsAtStartup"] = "false";
        start.Environment["Admin__Password"] = Password;
        start.Environment["Admin__ApiToken"] = Token;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        // Drain the output so the app never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static async Task SignInAsync(HttpClient http)
    {
        var form = await http.GetStringAsync("/Account/SignIn");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var response = await http.PostAsync("/Account/SignIn", new FormUrlEncodedContent(
            [new("Password", Password), new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();


    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
