using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.GitHub.Installations.AutoPin;

/// <summary>
/// <c>Projects:AutoPin</c>: which repositories become projects as soon as the App is installed on
/// them (and at installation sync), so their first PR is validated with no visit to the admin site.
/// <c>config-file</c> (default): those with <c>.github/codegen-cicd.yml</c> on their default branch;
/// <c>all</c>: every one; <c>none</c>: only what someone pins.
/// </summary>
public sealed class AutoPinOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Projects";

    public const string ConfigFile = "config-file";
    public const string All = "all";
    public const string None = "none";

    /// <summary>
    /// Which repositories are pinned when the App is installed on them: <c>config-file</c> (those with
    /// <c>.github/codegen-cicd.yml</c> on the default branch), <c>all</c> or <c>none</c>.
    /// </summary>
    public string AutoPin { get; set; } = ConfigFile;

    public bool Is(string mode) => string.Equals(AutoPin, mode, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Is(ConfigFile) && !Is(All) && !Is(None))
        {
            yield return new($"Projects:AutoPin must be '{ConfigFile}', '{All}' or '{None}' (got '{AutoPin}')");
        }
    }
}
