using System.Globalization;

namespace CodegenCicd.Benchmarks.Peers;

/// <summary>The peers benchmark's Markdown: the load, the load average, one row per peer, the ratios.</summary>
internal static class PeersReport
{
    public static void Print(List<PeerResult> results, WrkLoad load, int rounds, int warmup, int bodyBytes,
        string loadAtStart, string loadAtEnd)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("## Peers: signed pull_request deliveries under the same load");
        Console.WriteLine();
        Console.WriteLine(string.Create(invariant,
            $"wrk, {load.Connections} connections, {load.Threads} threads, {load.Seconds / rounds * rounds} s per peer in {rounds} turns " +
            $"(every peer running, each loaded in turn; latencies over all turns), after a {warmup} s warm-up (the app " +
            $"then on until its JIT is done, see below); a {bodyBytes / 1024.0:F1} KiB `{PeersBenchmark.Fixture}` " +
            $"delivery, signed, each request with a fresh X-GitHub-Delivery."));
        Console.WriteLine($"{Environment.ProcessorCount} cores; load average (1, 5, 15 min) {loadAtStart} at start, " +
            $"{loadAtEnd} at end.");
        Console.WriteLine();
        Console.WriteLine("| peer | requests/s | p50 | p99 | CPU per request | non-2xx | socket errors |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var peer in results)
        {
            var r = peer.Result;
            Console.WriteLine(string.Create(invariant,
                $"| {peer.Name} | {r.RequestsPerSecond:N0} | {r.P50Ms:F1} ms | {r.P99Ms:F1} ms | " +
                $"{peer.CpuMsPerRequest:F2} ms | {r.Non2xx + r.Other2xx} | {r.SocketErrors + r.Timeouts} |"));
        }
        // The app's runs come last; each ratio is the app's figure divided by the peer's.
        var apps = results.Where(r => r.Name.StartsWith(AppPeer.Name, StringComparison.Ordinal)).ToList();
        var others = results.Except(apps).Reverse().ToList();
        Console.WriteLine();
        Console.WriteLine("| the app ÷ | requests/s | p50 | p99 | CPU per request |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var app in apps)
        {
            foreach (var peer in others)
            {
                Console.WriteLine(string.Create(invariant,
                    $"| {app.Name[(app.Name.IndexOf(", ", StringComparison.Ordinal) + 2)..]} ÷ {peer.Name} | " +
                    $"{app.Result.RequestsPerSecond / peer.Result.RequestsPerSecond:F3}× | " +
                    $"{app.Result.P50Ms / peer.Result.P50Ms:F1}× | {app.Result.P99Ms / peer.Result.P99Ms:F1}× | " +
                    $"{app.CpuMsPerRequest / peer.CpuMsPerRequest:F1}× |"));
            }
        }
    }

    /// <summary>Figures of errors are worthless: any peer that answered anything but success fails the run.</summary>
    public static void FailOnErrors(List<PeerResult> results)
    {
        var failed = results.Where(r => r.Result.Failed).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException(
                "These peers did not answer every request with success, so their figures mean nothing:\n"
                + string.Join('\n', failed.Select(f => $"{f.Name}: {Describe(f.Result)}")));
        }
    }

    public static string Describe(WrkResult r)
    {
        var unexpected = r.Unexpected.Count == 0 ? "none" : string.Join(" | ", r.Unexpected);
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Requests} requests: {r.Expected} expected, {r.Other2xx} other 2xx, {r.Non2xx} non-2xx, " +
            $"{r.SocketErrors} socket errors, {r.Timeouts} timeouts. First unexpected answers: {unexpected}");
    }
}
