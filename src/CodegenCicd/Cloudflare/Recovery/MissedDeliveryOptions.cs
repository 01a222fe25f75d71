using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Cloudflare.Recovery;

/// <summary>The recurring check of GitHub's delivery log for deliveries that never reached this app.</summary>
public sealed class MissedDeliveryOptions : IConfigSection
{
    public static string SectionName => "MissedDeliveries";

    /// <summary>The recurring job that asks GitHub to redeliver deliveries that never reached this app.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When the recurring job runs (cron); empty: never on its own.</summary>
    public string? Schedule { get; set; } = "*/15 * * * *";

    /// <summary>How far back each run looks (GitHub keeps 3 days).</summary>
    [Range(1, 72, ErrorMessage = "MissedDeliveries:LookbackHours must be between 1 and 72")]
    public int LookbackHours { get; set; } = 6;

    /// <summary>Redeliveries asked per run: a long outage is caught up over several runs, not in one burst.</summary>
    [Range(1, 500, ErrorMessage = "MissedDeliveries:MaxPerRun must be between 1 and 500")]
    public int MaxPerRun { get; set; } = 20;

    /// <summary>
    /// A GUID is asked again at most this many times, and not sooner than an hour after the last ask.
    /// </summary>
    [Range(1, 10, ErrorMessage = "MissedDeliveries:MaxAttempts must be between 1 and 10")]
    public int MaxAttempts { get; set; } = 3;
}
