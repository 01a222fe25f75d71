using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>
/// One peer under load: a server process listening on a loopback port, answering signed deliveries at
/// <see cref="WebhookUrl"/> with <see cref="ExpectedStatus"/>. Disposing it kills the process tree, so
/// the next peer is measured alone on the cores (only wrk runs beside it).
/// </summary>
internal sealed class PeerProcess(string name, Process process, OutputTail output, int port, string webhookPath,
    string readyPath, int expectedStatus) : IAsyncDisposable
{
    public string Name => name;

    public string WebhookUrl => $"http://127.0.0.1:{port}{webhookPath}";

    public Uri BaseAddress => new($"http://127.0.0.1:{port}/");

    public int ExpectedStatus => expectedStatus;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a process with its output redirected, for the caller or <see cref="Attach"/> to drain.</summary>
    public static Process StartProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}");
    }

    public static PeerProcess Attach(string name, Process process, int port, string webhookPath, string readyPath,
        int expectedStatus) =>
        new(name, process, OutputTail.Of(process), port, webhookPath, readyPath, expectedStatus);

    /// <summary>Waits until <c>readyPath</c> answers 2xx; fails at once, with its output, if it exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            EnsureRunning();
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{readyPath}"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException(
            $"{name} did not answer {readyPath} within {timeout.TotalSeconds:F0} s. Output:\n{output}");
    }

    /// <summary>CPU the server has used so far (user and system), whatever else the machine is running.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public void EnsureRunning()
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"{name} exited with code {process.ExitCode}. Output:\n{output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
