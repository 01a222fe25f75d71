using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Cloudflare;

public sealed class CloudflareOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Cloudflare";

    public string? ApiToken { get; set; }

    public string? AccountId { get; set; }

    [Required(ErrorMessage = "Cloudflare:WorkerName must not be empty")]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Cloudflare:WorkerName must be lower-case letters, digits and dashes")]
    public string WorkerName { get; set; } = "webhook-gateway";

    public Uri? WorkerUrl { get; set; }

    public Uri ApiUrl { get; set; } = new("https://api.cloudflare.com/client/v4/");

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
    }
}
