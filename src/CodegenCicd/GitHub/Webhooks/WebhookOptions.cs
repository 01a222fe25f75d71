using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.GitHub.Webhooks;

public sealed class WebhookOptions : IConfigSection
{
    public static string SectionName => "Webhooks";

    /// <summary>Finished deliveries (processed or failed) older than this many days are deleted by <see cref="WebhookRetentionJob"/>.</summary>
    [Range(1, 3650, ErrorMessage = "Webhooks:RetentionDays must be between 1 and 3650")]
    public int RetentionDays { get; set; } = 30;
}
