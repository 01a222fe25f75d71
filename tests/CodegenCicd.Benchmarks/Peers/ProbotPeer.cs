using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>
/// Probot's webhook server (Peers/probot/server.js: Probot's Node middleware, a no-op pull_request handler,
/// nothing stored), the version pinned in package-lock.json. Its packages are installed with <c>npm ci</c>
/// on first use, not at build time, so building the benchmarks never needs npm.
/// </summary>
internal static class ProbotPeer
{
    /// <summary>Probot's default webhook path, the same as the app's.</summary>
    public const string WebhookPath = "/api/github/webhooks";

    public static async Task<Process> StartAsync(string probotDir, int port, string secret)
    {
        await EnsureInstalledAsync(probotDir);
        // Probot refuses to start without an App id and private key; nothing here calls GitHub, so a
        // throwaway key made now serves.
        using var key = RSA.Create(2048);
        var start = new ProcessStartInfo("node", ["server.js"]) { WorkingDirectory = probotDir };
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["APP_ID"] = "1";
        start.Environment["PRIVATE_KEY"] = key.ExportRSAPrivateKeyPem();
        start.Environment["WEBHOOK_SECRET"] = secret;
        start.Environment["LOG_LEVEL"] = "warn";
        start.Environment["NODE_ENV"] = "production";
        return PeerProcess.StartProcess(start);
    }

    /// <summary>"Probot 14.3.2 (Node v20.20.2)", from the installed package and the node on PATH.</summary>
    public static async Task<string> DescribeAsync(string probotDir)
    {
        using var package = JsonDocument.Parse(
            await File.ReadAllTextAsync(Path.Combine(probotDir, "node_modules", "probot", "package.json")));
        var version = package.RootElement.GetProperty("version").GetString();
        var node = await CaptureAsync(new ProcessStartInfo("node", ["--version"]));
        return $"Probot {version} (Node {node.Output.Trim()})";
    }

    private static async Task EnsureInstalledAsync(string probotDir)
    {
        if (Directory.Exists(Path.Combine(probotDir, "node_modules", "probot")))
        {
            return;
        }
        Console.Error.WriteLine($"Installing Probot: npm ci in {probotDir}");
        (int ExitCode, string Output) install;
        try
        {
            install = await CaptureAsync(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
            {
                WorkingDirectory = probotDir,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("npm is not installed: apt-get install -y nodejs npm");
        }
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed (exit {install.ExitCode}):\n{install.Output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> CaptureAsync(ProcessStartInfo start)
    {
        using var process = PeerProcess.StartProcess(start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
