using System.Diagnostics;
using System.Text.Json;

namespace CodegenCicd.Tests.Cloudflare;

/// <summary>
/// The gateway Worker (deploy/cloudflare/src/index.js) running in workerd through Miniflare
/// (deploy/cloudflare/test/run-gateway.js), with a local R2 bucket and local queues. In pull mode a
/// test double of Cloudflare's pull API consumes the real local queue and serves pull/ack; that
/// double is the one part that is not Cloudflare's. Needs <c>npm ci</c> in deploy/cloudflare
/// (test.sh runs it).
/// </summary>
public sealed class WorkerdGateway : IAsyncDisposable
{
    private readonly Process process;

    private WorkerdGateway(Process process, Started started)
    {
        this.process = process;
        Url = new Uri(started.Url);
        PullApiUrl = new Uri(started.PullApiUrl);
        ApiToken = started.ApiToken;
    }

    public Uri Url { get; }

    /// <summary>Where the pull API double answers; <c>Cloudflare:ApiUrl</c> is this plus <c>client/v4/</c>.</summary>
    public Uri PullApiUrl { get; }

    public string ApiToken { get; }

    public static async Task<WorkerdGateway> StartAsync(string mode, string secret, Uri? originUrl = null)
    {
        var folder = FindWorkerFolder();
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "miniflare")))
        {
            throw new InvalidOperationException($"Miniflare is not installed: run `npm ci` in {folder} (./test.sh does).");
        }
        var start = new ProcessStartInfo("node", ["test/run-gateway.js", mode, originUrl?.ToString() ?? "http://127.0.0.1:9/"])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GITHUB_WEBHOOK_SECRET"] = secret;
        var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            await process.WaitForExitAsync(CancellationToken.None);
            throw new InvalidOperationException("The gateway did not start: " + await errors);
        }
        return new WorkerdGateway(process, JsonSerializer.Deserialize<Started>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))!);
    }

    private static string FindWorkerFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "cloudflare");
            if (File.Exists(Path.Combine(candidate, "test", "run-gateway.js")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("deploy/cloudflare not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin tells run-gateway.js to dispose Miniflare (and its workerd) and exit.
        process.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        process.Dispose();
    }

    private sealed record Started(string Url, string PullApiUrl, string ApiToken, string QueueId, string QueueName);
}
