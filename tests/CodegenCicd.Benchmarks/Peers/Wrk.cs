using System.Diagnostics;
using System.Globalization;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>The same load for every peer: wrk's connections, threads and duration.</summary>
internal sealed record WrkLoad(int Connections, int Threads, int Seconds);

/// <summary>
/// What peers.lua's done() printed for one wrk run, or for several runs of one peer merged (<see cref="Merge"/>).
/// <see cref="Latency"/> holds each run's request count and its latencies at every 0.1 % (the last is the maximum),
/// in microseconds.
/// </summary>
internal sealed record WrkResult(long Requests, double Seconds, long Expected, long Other2xx, long Non2xx,
    long SocketErrors, long Timeouts, IReadOnlyList<string> Unexpected,
    IReadOnlyList<(long Requests, double[] Quantiles)> Latency)
{
    public double RequestsPerSecond => Requests / Seconds;

    public double P50Ms => Percentile(50) / 1e3;

    public double P99Ms => Percentile(99) / 1e3;

    public double MaxMs => Latency.Max(run => run.Quantiles[^1]) / 1e3;

    /// <summary>
    /// The latency below which <paramref name="percent"/> of all requests of all runs fell: the smallest of the runs'
    /// quantiles at which the runs together, each weighted by its requests, reach that share.
    /// </summary>
    public double Percentile(double percent)
    {
        var target = percent / 100 * Latency.Sum(run => run.Requests);
        foreach (var candidate in Latency.SelectMany(run => run.Quantiles).Order())
        {
            // Requests at or below the candidate: for each run, the share of its quantiles that are.
            var below = Latency.Sum(run => run.Requests * Share(run.Quantiles, candidate));
            if (below >= target)
            {
                return candidate;
            }
        }
        return Latency.Max(run => run.Quantiles[^1]);
    }

    /// <summary>The share of a run's requests at or below <paramref name="value"/>: its quantiles never decrease, so
    /// a binary search finds how many of them are (5 runs × 1,000 candidates made a linear scan slow).</summary>
    private static double Share(double[] quantiles, double value)
    {
        var (low, high) = (0, quantiles.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = quantiles[middle] <= value ? (middle + 1, high) : (low, middle);
        }
        return Math.Min(1.0, low / 1000.0);
    }

    /// <summary>Several runs against one peer, as one: their requests, time, errors and latencies together.</summary>
    public static WrkResult Merge(IReadOnlyList<WrkResult> runs) => new(
        runs.Sum(r => r.Requests), runs.Sum(r => r.Seconds), runs.Sum(r => r.Expected), runs.Sum(r => r.Other2xx),
        runs.Sum(r => r.Non2xx), runs.Sum(r => r.SocketErrors), runs.Sum(r => r.Timeouts),
        runs.SelectMany(r => r.Unexpected).ToList(), runs.SelectMany(r => r.Latency).ToList());

    /// <summary>Anything but the expected status, or no answer at all: figures of errors are worthless.</summary>
    public bool Failed => Other2xx + Non2xx + SocketErrors + Timeouts > 0 || Requests == 0;
}

/// <summary>
/// One peer's measured run, and the CPU its process used meanwhile: on a shared machine the CPU per request
/// stays comparable when requests/s and latency mostly show how much of the cores the peer was given.
/// </summary>
internal sealed record PeerResult(string Name, WrkResult Result, TimeSpan Cpu)
{
    public double CpuMsPerRequest => Result.Requests == 0 ? 0 : Cpu.TotalMilliseconds / Result.Requests;
}

/// <summary>
/// wrk (Debian's package, LuaJIT) driven by peers.lua: a closed loop of keep-alive connections, each
/// request sent as soon as the previous answer arrives; latencies in wrk's histogram.
/// </summary>
internal static class Wrk
{
    public static void EnsureInstalled()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "wrk"))))
        {
            throw new InvalidOperationException("wrk is not installed: apt-get install -y wrk");
        }
    }

    public static async Task<WrkResult> RunAsync(string script, WrkLoad load, int seconds, PeerProcess peer,
        string bodyFile, string signature)
    {
        var start = new ProcessStartInfo("wrk",
        [
            $"--threads={load.Threads}", $"--connections={load.Connections}", $"--duration={seconds}s",
            "--timeout=10s", $"--script={script}", peer.WebhookUrl,
            "--", bodyFile, signature, peer.ExpectedStatus.ToString(CultureInfo.InvariantCulture),
        ]);
        using var process = PeerProcess.StartProcess(start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout;
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var figures = lines.FirstOrDefault(l => l.StartsWith("peers-result ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || figures is null)
        {
            throw new InvalidOperationException(
                $"wrk failed against {peer.Name} (exit {process.ExitCode}):\n{output}{await stderr}");
        }
        var values = figures.Split(' ').Skip(1).Select(pair => pair.Split('='))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture));
        var quantiles = lines.First(l => l.StartsWith("peers-latency ", StringComparison.Ordinal)).Split(' ')
            .Skip(1).Select(q => double.Parse(q, CultureInfo.InvariantCulture)).ToArray();
        return new WrkResult(
            values["requests"], values["duration_us"] / 1e6,
            values["expected"], values["other_2xx"], values["non_2xx"], values["socket_errors"], values["timeouts"],
            lines.Where(l => l.StartsWith("peers-unexpected ", StringComparison.Ordinal))
                .Select(l => l["peers-unexpected ".Length..]).ToList(),
            [(values["requests"], quantiles)]);
    }
}
