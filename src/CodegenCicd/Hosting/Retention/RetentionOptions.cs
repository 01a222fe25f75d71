using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Hosting.Retention;

/// <summary>
/// How long, and how much, of what the app writes is kept. Each kind is pruned by age, then oldest
/// first down to its size cap. (Webhook deliveries: <c>Webhooks:RetentionDays</c>; setup snapshots:
/// <c>Sandbox:SnapshotMaxAgeDays</c> and the snapshot size cap of the <c>Sandbox</c> section.)
/// </summary>
public sealed class RetentionOptions : IConfigSection
{
    public static string SectionName => "Retention";

    /// <summary>Web-eval reports and screenshots older than this are deleted (the run page then says when).</summary>
    [Range(1, 3650, ErrorMessage = "Retention:ArtifactsMaxAgeDays must be between 1 and 3650")]
    public int ArtifactsMaxAgeDays { get; set; } = 30;

    /// <summary>Web-eval artifacts on this node's disk beyond this total are deleted, oldest first.</summary>
    [Range(1, 10_485_760, ErrorMessage = "Retention:ArtifactsMaxMegabytes must be between 1 and 10485760")]
    public int ArtifactsMaxMegabytes { get; set; } = 2048;

    /// <summary>
    /// Preview server logs on disk, and the stored command logs of finished stages, older than this are deleted.
    /// </summary>
    [Range(1, 3650, ErrorMessage = "Retention:LogsMaxAgeDays must be between 1 and 3650")]
    public int LogsMaxAgeDays { get; set; } = 30;

    /// <summary>Preview server logs on this node's disk beyond this total are deleted, oldest first.</summary>
    [Range(1, 10_485_760, ErrorMessage = "Retention:LogsMaxMegabytes must be between 1 and 10485760")]
    public int LogsMaxMegabytes { get; set; } = 1024;

    /// <summary>
    /// Records of stopped previews older than this are deleted (their links then answer a plain 404).
    /// </summary>
    [Range(1, 3650, ErrorMessage = "Retention:DeploymentsMaxAgeDays must be between 1 and 3650")]
    public int DeploymentsMaxAgeDays { get; set; } = 90;

    /// <summary>How often each node prunes.</summary>
    [Range(10, 86_400, ErrorMessage = "Retention:IntervalSeconds must be between 10 and 86400")]
    public int IntervalSeconds { get; set; } = 3600;
}
