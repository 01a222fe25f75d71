using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.WebEval;

public sealed class GeminiOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Gemini";

    /// <summary>Enables the AI-driven web evaluation.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gemini API base (Google's public endpoint).</summary>
    public Uri ApiUrl { get; set; } = new("https://generativelanguage.googleapis.com/");

    /// <summary>The Gemini model driving the browser (needs function calling and image input).</summary>
    [Required(ErrorMessage = "Gemini:Model must not be empty")]
    public string Model { get; set; } = "gemini-2.5-flash";

    /// <summary>Browser actions the agent may take before the task counts as not done.</summary>
    [Range(1, 200, ErrorMessage = "Gemini:MaxSteps must be between 1 and 200")]
    public int MaxSteps { get; set; } = 25;

    /// <summary>Wall-clock limit for the AI-driven task.</summary>
    [Range(2, 3600, ErrorMessage = "Gemini:TimeLimitSeconds must be between 2 and 3600")]
    public int TimeLimitSeconds { get; set; } = 300;

    /// <summary>
    /// Unusable replies in a row (no call, unknown function, bad arguments) before the run ends as an error.
    /// </summary>
    [Range(1, 20, ErrorMessage = "Gemini:MaxMalformedReplies must be between 1 and 20")]
    public int MaxMalformedReplies { get; set; } = 3;

    /// <summary>Time one generateContent call may take.</summary>
    [Range(5, 600, ErrorMessage = "Gemini:RequestTimeoutSeconds must be between 5 and 600")]
    public int RequestTimeoutSeconds { get; set; } = 90;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiUrl.IsAbsoluteUri || ApiUrl.Scheme is not ("http" or "https"))
        {
            yield return new("Gemini:ApiUrl must be an absolute http(s) URL");
        }
    }
}
