using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.WebEval;

public sealed class BrowserOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Browser";

    /// <summary>Chromium used by web evaluation; found on PATH when empty.</summary>
    public string? ExecutablePath { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(ExecutablePath) && !File.Exists(ExecutablePath))
        {
            yield return new($"Browser:ExecutablePath: file '{ExecutablePath}' does not exist");
        }
    }

    /// <summary>The configured path, else the first of the usual Chromium names on PATH.</summary>
    public string? ResolveExecutable() =>
        !string.IsNullOrEmpty(ExecutablePath)
            ? ExecutablePath
            : ExecutableLocator.Find("chromium", "chromium-browser", "google-chrome");
}
