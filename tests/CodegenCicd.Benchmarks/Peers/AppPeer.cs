using System.Diagnostics;
using CodegenCicd.GitHub.Webhooks;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>
/// The app as it runs in production on one machine: the built CodegenCicd.dll (Release when the benchmarks
/// are), Kestrel, a fresh SQLite file, in-process jobs. Each delivery is verified, stored and enqueued, and
/// the delivery jobs run beside the intake on the same cores.
/// </summary>
internal static class AppPeer
{
    public const string WebhookPath = WebhookEndpoint.Path;

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
}
