using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.GitHub.Webhooks;

public sealed class WebhookOptions : IConfigSection
{
    public static string SectionName => "Webhooks";

    /// <summary>
    /// Finished deliveries (processed or failed) older than this many days are deleted
    /// by <see cref="WebhookRetentionJob"/>.
    /// </summary>
    [Range(1, 3650, ErrorMessage = "Webhooks:RetentionDays must be between 1 and 3650")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// Deliveries read, verified and stored at once. A request past this waits up to a second for a place,
    /// then gets 503 with <c>Retry-After</c> before its body is read, so a flood costs bounded memory.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Webhooks:MaxConcurrentDeliveries must be between 1 and 10000")]
    public int MaxConcurrentDeliveries { get; set; } = 64;
}
