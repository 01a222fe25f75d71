using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CodegenCicd.Tests.GitHub;

/// <summary>The app as a real process, killed with SIGKILL while deliveries pour in, then started again.</summary>
public sealed class WebhookCrashTests
{
    private const string Secret = "crash-test-secret";

    /// <summary>A cold start under the whole suite's load on 2 cores took over 40 s once (as long as the cluster tests allow).</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private static readonly ConcurrentQueue<string> Output = new();

    private static string LastOutput => string.Join('\n', Output.TakeLast(20));

    [Fact]
    public async Task KilledMidBatch_EveryAcknowledgedDelivery_IsStoredAndProcessedAfterARestart()
    {
        var dataDir = Directory.CreateTempSubdirectory("codegencicd-crash-").FullName;
        var database = Path.Combine(dataDir, "app.db");
        var acknowledged = new ConcurrentBag<string>();
        var port = FreePorts.Pick();
        var first = Start(dataDir, port);
        try
        {
            Assert.True(await ProcessHealth.WaitAsync(first, Healthz(port), StartLimit),
                $"the app did not start: {LastOutput}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // Sixteen clients, four repositories; the process is killed once 120 deliveries were acknowledged,
            // with the others in flight: some being read, some in a batch, some being processed.
            var clients = Enumerable.Range(0, 16).Select(client => Task.Run(async () =>
            {
                for (var i = 0; !first.HasExited; i++)
                {
                    var id = Guid.NewGuid().ToString();
                    try
                    {
                        using var response = await http.SendAsync(
                            GitHubAppFactory.Delivery("ping", Ping($"octo/repo{(client + i) % 4}"), Secret, id));
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone
                    }
                    if (acknowledged.Count >= 120)
                    {
                        enough.TrySetResult();
                    }
                }
            })).ToList();
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(40));
            first.Kill(); // SIGKILL: no shutdown, no flush
            await first.WaitForExitAsync();
            await Task.WhenAll(clients);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.Dispose();
        }

        var second = Start(dataDir, port);
        try
        {
            Assert.True(await ProcessHealth.WaitAsync(second, Healthz(port), StartLimit),
                $"the app did not start again: {LastOutput}");
            var statuses = await Poll.UntilAsync(() => Task.FromResult(Statuses(database)),
                s => acknowledged.All(id => s.GetValueOrDefault(id) == "Processed"),
                TimeSpan.FromSeconds(30),
                s => $"{acknowledged.Count(id => !s.ContainsKey(id))} acknowledged deliveries not stored, "
                    + $"{acknowledged.Count(id => s.TryGetValue(id, out var st) && st != "Processed")} not processed");
            Assert.True(acknowledged.Count >= 120);
            Assert.All(acknowledged, id => Assert.Equal("Processed", statuses[id]));
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
            second.Dispose();
            SqliteConnection.ClearAllPools();
            TempFolder.TryDelete(dataDir);
        }
    }

    private static string Ping(string repository) =>
        GitHubAppFactory.Fixture("ping.with-app_id.json").Replace("\"full_name\": \"Octocoders/Hello-World\"",
            $"\"full_name\": \"{repository}\"", StringComparison.Ordinal);

    private static Dictionary<string, string> Statuses(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"DeliveryId\", \"Status\" FROM \"WebhookDelivery\"";
        using var reader = command.ExecuteReader();
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            statuses[reader.GetString(0)] = reader.GetString(1);
        }
        return statuses;
    }

    private static Process Start(string dataDir, int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dataDir,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__App"] = $"Data Source={Path.Combine(dataDir, "app.db")}";
        start.Environment["Sandbox__Root"] = Path.Combine(dataDir, "sandboxes");
        start.Environment["GitHub__WebhookSecret"] = Secret;
        start.Environment["GitHub__SyncInstallationsAtStartup"] = "false";
        start.Environment["Admin__Password"] = "crash-test-admin-password";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        // The working directory (the content root) has no appsettings.json, so the console sink is named here.
        start.Environment["Serilog__WriteTo__0__Name"] = "Console";
        var process = Process.Start(start)!;
        // Drained so the app never blocks on a full pipe; kept to explain a start that fails.
        process.OutputDataReceived += (_, line) => Output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => Output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static Uri Healthz(int port) => new($"http://127.0.0.1:{port}/healthz");

}
