using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Cloudflare;

public sealed class CloudflareOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Cloudflare";

    /// <summary>
    /// Cloudflare API token (Workers Scripts, Workers R2 Storage and Queues edit rights) for deploying the gateway
    /// from the Gateway page and for pull mode.
    /// </summary>
    public string? ApiToken { get; set; }

    /// <summary>The Cloudflare account that holds the gateway Worker, its Queue and R2 bucket.</summary>
    public string? AccountId { get; set; }

    /// <summary>The gateway Worker's script name.</summary>
    [Required(ErrorMessage = "Cloudflare:WorkerName must not be empty")]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$",
        ErrorMessage = "Cloudflare:WorkerName must be lower-case letters, digits and dashes")]
    public string WorkerName { get; set; } = "webhook-gateway";

    /// <summary>
    /// The gateway's public URL when it was deployed elsewhere (wrangler); otherwise the last deploy's from the
    /// Gateway page.
    /// </summary>
    public Uri? WorkerUrl { get; set; }

    /// <summary>Cloudflare API base.</summary>
    public Uri ApiUrl { get; set; } = new("https://api.cloudflare.com/client/v4/");

    /// <summary>
    /// <c>push</c>: the Worker forwards to <see cref="OriginUrl"/>; <c>pull</c>: this app pulls from the Queue
    /// (no inbound port).
    /// </summary>
    public GatewayMode Mode { get; set; } = GatewayMode.Push;

    /// <summary>
    /// This app's webhook URL as the Worker reaches it (push mode), e.g.
    /// <c>https://cicd.example.com/api/github/webhooks</c>.
    /// </summary>
    public Uri? OriginUrl { get; set; }

    /// <summary>The Queue holding delivery pointers.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$",
        ErrorMessage = "Cloudflare:QueueName must be lower-case letters, digits and dashes")]
    public string QueueName { get; set; } = "webhook-deliveries";

    /// <summary>Where a delivery goes after 100 failed forwards (push mode).</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$",
        ErrorMessage = "Cloudflare:DeadLetterQueueName must be lower-case letters, digits and dashes")]
    public string DeadLetterQueueName { get; set; } = "webhook-deliveries-dlq";

    /// <summary>The R2 bucket holding delivery bodies until the app has them.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{2,62}$",
        ErrorMessage = "Cloudflare:BucketName must be 3-63 lower-case letters, digits and dashes")]
    public string BucketName { get; set; } = "webhook-bodies";

    /// <summary>Pull mode: how long to wait after an empty pull before asking again.</summary>
    [Range(1, 3600, ErrorMessage = "Cloudflare:PullIntervalSeconds must be between 1 and 3600")]
    public int PullIntervalSeconds { get; set; } = 5;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiToken) && !string.IsNullOrWhiteSpace(AccountId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiUrl.IsAbsoluteUri || ApiUrl.Scheme is not ("http" or "https"))
        {
            yield return new("Cloudflare:ApiUrl must be an absolute http(s) URL");
        }
        if (WorkerUrl is { IsAbsoluteUri: false })
        {
            yield return new("Cloudflare:WorkerUrl must be an absolute URL");
        }
        if (OriginUrl is { IsAbsoluteUri: false })
        {
            yield return new("Cloudflare:OriginUrl must be an absolute URL");
        }
    }
}

public enum GatewayMode
{
    Push,
    Pull,
}
