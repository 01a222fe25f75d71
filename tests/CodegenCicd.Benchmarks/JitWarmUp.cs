using System.Diagnostics;
using System.Globalization;

namespace CodegenCicd.Benchmarks;

/// <summary>
/// Warms the app up until its JIT is done, read from the app's own <c>/metrics</c>: .NET's
/// <c>dotnet.jit.compilation.time</c>, which prometheus-net exports as <c>system_runtime_dotnet_jit_compilation_time</c>.
/// <para>
/// A fixed warm-up measured a server that was still compiling. With tiered compilation and dynamic PGO a method
/// runs unoptimised, then instrumented, then optimised code, and each step is a compile on a background thread:
/// under perf that thread was a quarter of the app's CPU while the dashboard was measured after 8 s of warm-up, and
/// an eighth while webhooks were measured after 20 s (the first run of the once-a-minute jobs compiles a few
/// thousand methods). A server that has been running is past all that. So the warm-up goes on, slice after slice,
/// until a slice spent under 1 % of its time compiling, within a floor and a ceiling.
/// </para>
/// </summary>
internal static class JitWarmUp
{
    /// <summary>The share of a slice the JIT may still take for the app to count as warm: 1 % of one core.</summary>
    private const double QuietShare = 0.01;

    private const string Metric = "system_runtime_dotnet_jit_compilation_time";

    /// <summary>
    /// Runs <paramref name="slice"/> until the app is warm (or <paramref name="ceiling"/> has passed) but for at
    /// least <paramref name="floor"/>. Returns how long it warmed up and whether the JIT went quiet.
    /// </summary>
    public static async Task<(TimeSpan Took, bool Quiet)> RunAsync(
        Uri app, Func<Task> slice, TimeSpan floor, TimeSpan ceiling)
    {
        using var http = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(30) };
        var warming = Stopwatch.StartNew();
        while (true)
        {
            var before = await CompilationSecondsAsync(http);
            var started = warming.Elapsed;
            await slice();
            var spent = await CompilationSecondsAsync(http) - before;
            var quiet = spent < QuietShare * (warming.Elapsed - started).TotalSeconds;
            if ((quiet && warming.Elapsed >= floor) || warming.Elapsed >= ceiling)
            {
                return (warming.Elapsed, quiet);
            }
        }
    }

    /// <summary>The seconds the app's JIT has spent compiling since it started.</summary>
    public static async Task<double> CompilationSecondsAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(Metric + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(Metric.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"The app's /metrics has no {Metric}: is the app's .NET older than 9?");
    }
}
