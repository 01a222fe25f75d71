using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Codegen;

public sealed class CodegenOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Codegen";

    [Range(1, long.MaxValue, ErrorMessage = "Codegen:OrgId must be a positive integer")]
    public long? OrgId { get; set; }

    public string? ApiToken { get; set; }

    public Uri ApiUrl { get; set; } = new("https://api.codegen.com/");

    public bool IsConfigured => OrgId is not null && !string.IsNullOrWhiteSpace(ApiToken);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiUrl.IsAbsoluteUri || ApiUrl.Scheme is not ("http" or "https"))
        {
            yield return new("Codegen:ApiUrl must be an absolute http(s) URL");
        }
    }
}
