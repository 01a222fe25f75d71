namespace CodegenCicd.Benchmarks;

/// <summary>Latency figures from a set of samples.</summary>
public sealed record Percentiles(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public static Percentiles Of(IReadOnlyCollection<TimeSpan> samples)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        double At(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new(sorted.Length, At(0.50), At(0.90), At(0.99), sorted.LastOrDefault());
    }

    public override string ToString() =>
        $"n={Count} p50={P50Ms:F2} ms p90={P90Ms:F2} ms p99={P99Ms:F2} ms max={MaxMs:F2} ms";
}
