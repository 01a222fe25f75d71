using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.WebEval;

public sealed class GeminiOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Gemini";

    /// <summary>Enables the AI-driven web evaluation.</summary>
    public string? ApiKey { get; set; }

    public Uri ApiUrl { get; set; } = new("https://generativelanguage.googleapis.com/");

    [Required(ErrorMessage = "Gemini:Model must not be empty")]
    public string Model { get; set; } = "gemini-2.5-flash";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiUrl.IsAbsoluteUri || ApiUrl.Scheme is not ("http" or "https"))
        {
            yield return new("Gemini:ApiUrl must be an absolute http(s) URL");
        }
    }
}
