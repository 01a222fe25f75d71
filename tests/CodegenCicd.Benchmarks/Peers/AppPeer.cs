using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using CodegenCicd.GitHub.Webhooks;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>
/// The app as it runs in production on one machine: the built CodegenCicd.dll (Release when the benchmarks
/// are), Kestrel, a fresh SQLite file, in-process jobs. Each delivery is verified and stored, and the dispatcher
/// runs those with work in them beside the intake, on the same cores.
/// </summary>
internal static class AppPeer
{
    public const string Name = "CodegenCICD";

    public const string WebhookPath = WebhookEndpoint.Path;

    /// <summary>A fresh directory for one run of the app, named after what it is sent.</summary>
    public static string DataDirectory(string work, string run) =>
        Directory.CreateDirectory(Path.Combine(work, "app-" + run)).FullName;

    public static Process Start(string dataDir, int port, string secret)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CodegenCicd.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = dataDir,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__App"] = $"Data Source={dataDir}/app.db";
        start.Environment["GitHub__WebhookSecret"] = secret;
        start.Environment["GitHub__SyncInstallationsAtStartup"] = "false";
        start.Environment["Admin__Password"] = "benchmark-admin-password";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        return PeerProcess.StartProcess(start);
    }

    /// <summary>
    /// Intake is only half the work: how many stored deliveries were still waiting to be processed when the load
    /// stopped, and how long the app then took to process them (read from its database file).
    /// </summary>
    public static async Task<Backlog> DrainAsync(string dataDir, TimeSpan limit)
    {
        await using var connection = new SqliteConnection($"Data Source={dataDir}/app.db;Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*), COALESCE(SUM(Status IN ('Received', 'Processing')), 0) FROM WebhookDelivery";
        var watch = Stopwatch.StartNew();
        (long Stored, long Waiting) Read()
        {
            using var reader = count.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
        var (stored, waitingAtStop) = Read();
        var waiting = waitingAtStop;
        while (waiting > 0 && watch.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            (_, waiting) = Read();
        }
        return new Backlog(stored, waitingAtStop, waiting, watch.Elapsed);
    }
}

/// <summary>Deliveries stored in all, still waiting when the load stopped, still waiting at the end of the wait.</summary>
internal sealed record Backlog(long Stored, long WaitingAtStop, long WaitingAfter, TimeSpan Drained)
{
    public override string ToString()
    {
        var invariant = CultureInfo.InvariantCulture;
        if (WaitingAtStop == 0)
        {
            return string.Create(invariant,
                $"The app had processed all {Stored:N0} deliveries it stored (warm-up included) when the load stopped.");
        }
        var rest = WaitingAfter == 0
            ? string.Create(invariant, $"{Drained.TotalSeconds:F1} s later")
            : string.Create(invariant, $"not all within {Drained.TotalSeconds:F0} s ({WaitingAfter:N0} left)");
        return string.Create(invariant,
            $"When the load stopped the app had processed {Stored - WaitingAtStop:N0} of the {Stored:N0} deliveries " +
            $"it stored (warm-up included); the other {WaitingAtStop:N0} {rest}.");
    }
}
