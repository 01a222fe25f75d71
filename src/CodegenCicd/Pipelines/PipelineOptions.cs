using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Pipelines;

public sealed class PipelineOptions : IConfigSection
{
    public static string SectionName => "Pipelines";

    /// <summary>The admin site's public base URL, for check-run details links and the PR comment.</summary>
    [DocumentedDefault("the first address the app listens on (`urls`)")]
    public Uri PublicUrl { get; set; } = new("http://localhost:5000/");

    /// <summary>A stage whose worker has not refreshed its heartbeat for this long is taken over.</summary>
    [Range(1, 3600, ErrorMessage = "Pipelines:StageLeaseSeconds must be between 1 and 3600")]
    public int StageLeaseSeconds { get; set; } = 60;

    /// <summary>
    /// Infrastructure errors (GitHub 5xx, sandbox could not start) are retried this many times before action_required.
    /// </summary>
    [Range(0, 20, ErrorMessage = "Pipelines:InfrastructureRetries must be between 0 and 20")]
    public int InfrastructureRetries { get; set; } = 3;

    /// <summary>First back-off delay; doubled on each retry.</summary>
    [Range(0, 3600, ErrorMessage = "Pipelines:RetryDelaySeconds must be between 0 and 3600")]
    public double RetryDelaySeconds { get; set; } = 30;

    /// <summary>
    /// The watchdog completes a stage in progress for longer than this (deploy adds its own timeout) as timed_out.
    /// </summary>
    [Range(1, 1440, ErrorMessage = "Pipelines:StageTimeoutMinutes must be between 1 and 1440")]
    public int StageTimeoutMinutes { get; set; } = 30;

    /// <summary>When GitHub is still computing mergeability, the gate looks again after this long.</summary>
    [Range(0, 600, ErrorMessage = "Pipelines:MergeabilityRecheckSeconds must be between 0 and 600")]
    public double MergeabilityRecheckSeconds { get; set; } = 5;

    /// <summary>
    /// While a required check or commit status has not finished, the gate looks again after this long.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Pipelines:RequiredChecksRecheckSeconds must be between 1 and 3600")]
    public double RequiredChecksRecheckSeconds { get; set; } = 60;

    /// <summary>
    /// An after-save effect (check-run update, PR comment, teardown…) that failed is tried again after
    /// this long, doubled on each failure up to ten minutes.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Pipelines:EffectRetrySeconds must be between 1 and 3600")]
    public double EffectRetrySeconds { get; set; } = 5;

    /// <summary>A node that claimed an effect owns it this long; after that another node may carry it out.</summary>
    [Range(5, 3600, ErrorMessage = "Pipelines:EffectLeaseSeconds must be between 5 and 3600")]
    public int EffectLeaseSeconds { get; set; } = 120;

    public string DetailsUrl(long runId) => new Uri(PublicUrl, $"Runs/{runId}").ToString();

    /// <summary>
    /// Without <c>Pipelines:PublicUrl</c>, links use the first address the app listens on
    /// (<c>--urls</c> / <c>ASPNETCORE_URLS</c>; a wildcard host becomes localhost) rather than a port it may not use.
    /// </summary>
    public static Uri DefaultPublicUrl(Uri current, IConfiguration configuration)
    {
        if (configuration[$"{SectionName}:{nameof(PublicUrl)}"] is not null
            || configuration["urls"] is not { Length: > 0 } urls)
        {
            return current;
        }
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(first.TrimEnd('/') + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : current;
    }
}
