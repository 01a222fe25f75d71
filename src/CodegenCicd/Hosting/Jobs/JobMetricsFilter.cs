using System.Diagnostics;
using Hangfire.Server;
using Prometheus;

namespace CodegenCicd.Hosting.Jobs;

/// <summary>Counts and times every job by type and outcome for <c>/metrics</c>.</summary>
internal sealed class JobMetricsFilter : IServerFilter
{
    private const string StartedKey = "codegencicd.started";

    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "codegencicd_job_duration_seconds", "Duration of background jobs by type and outcome.",
        new HistogramConfiguration
        {
            LabelNames = ["job", "outcome"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 16)
        });

    public void OnPerforming(PerformingContext context) => context.Items[StartedKey] = Stopwatch.GetTimestamp();

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp)
        {
            var outcome = context.Canceled ? "cancelled" : context.Exception is null ? "succeeded" : "failed";
            Duration.WithLabels(context.BackgroundJob.Job?.Type.Name ?? "unknown", outcome)
                .Observe(Stopwatch.GetElapsedTime(timestamp).TotalSeconds);
        }
    }
}
