using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Codegen;

public sealed class CodegenOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Codegen";

    /// <summary>Codegen organization id; with <c>ApiToken</c> it turns on agent runs.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Codegen:OrgId must be a positive integer")]
    public long? OrgId { get; set; }

    /// <summary>Codegen API token (sent as a bearer token).</summary>
    public string? ApiToken { get; set; }

    /// <summary>Codegen API base.</summary>
    public Uri ApiUrl { get; set; } = new("https://api.codegen.com/");

    /// <summary>Codegen's documented limit for all calls: 60 requests per 30 seconds (REFERENCE.md).</summary>
    [Range(1, 10_000, ErrorMessage = "Codegen:RequestsPerWindow must be between 1 and 10000")]
    public int RequestsPerWindow { get; set; } = 60;

    /// <summary>The window of <c>RequestsPerWindow</c> (a TimeSpan, <c>hh:mm:ss</c>).</summary>
    public TimeSpan RequestWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Codegen's documented limit for agent creation: 10 per minute.</summary>
    [Range(1, 10_000, ErrorMessage = "Codegen:CreationsPerWindow must be between 1 and 10000")]
    public int CreationsPerWindow { get; set; } = 10;

    /// <summary>The window of <c>CreationsPerWindow</c> (a TimeSpan, <c>hh:mm:ss</c>).</summary>
    public TimeSpan CreationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls waiting for a permit; past this a call fails at once instead of queueing.</summary>
    [Range(0, 10_000, ErrorMessage = "Codegen:QueueLimit must be between 0 and 10000")]
    public int QueueLimit { get; set; } = 200;

    /// <summary>First back-off after a 429 without Retry-After or a 5xx on a read; doubles per attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a 429, or of a 5xx on a read, before the call fails.</summary>
    [Range(0, 10, ErrorMessage = "Codegen:MaxRetries must be between 0 and 10")]
    public int MaxRetries { get; set; } = 4;

    /// <summary>
    /// How soon a working run is first polled (there are no callbacks). Polling backs off as the run's
    /// state ages: this, 4×, 20×, 60× (15 s → 1 min → 5 min → 15 min by default).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => OrgId is not null && !string.IsNullOrWhiteSpace(ApiToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiUrl.IsAbsoluteUri || ApiUrl.Scheme is not ("http" or "https"))
        {
            yield return new("Codegen:ApiUrl must be an absolute http(s) URL");
        }
        if (RequestWindow <= TimeSpan.Zero || CreationWindow <= TimeSpan.Zero)
        {
            yield return new("Codegen:RequestWindow and Codegen:CreationWindow must be positive durations");
        }
        if (PollInterval < TimeSpan.Zero)
        {
            yield return new("Codegen:PollInterval must not be negative");
        }
        if (RetryDelay < TimeSpan.Zero)
        {
            yield return new("Codegen:RetryDelay must not be negative");
        }
    }
}
