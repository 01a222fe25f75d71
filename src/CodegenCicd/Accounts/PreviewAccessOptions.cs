using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Accounts;

/// <summary>
/// <c>Previews:Access</c>: who opens a PR's preview link (<c>/preview/{owner}/{repo}/{pr}/</c>).
/// <c>collaborators</c> (default): someone signed in with read access to the repository;
/// <c>link</c>: anyone who has the link (as with a Vercel preview), e.g. for a reviewer outside the team.
/// </summary>
public sealed class PreviewAccessOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Previews";

    public const string Collaborators = "collaborators";
    public const string Link = "link";

    /// <summary>Who opens a PR's preview link: <c>collaborators</c> (signed in with read access to the repository) or <c>link</c> (anyone who has the link).</summary>
    public string Access { get; set; } = Collaborators;

    public bool OpenToAnyoneWithTheLink => string.Equals(Access, Link, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(Access, Collaborators, StringComparison.OrdinalIgnoreCase) && !OpenToAnyoneWithTheLink)
        {
            yield return new($"Previews:Access must be '{Collaborators}' or '{Link}' (got '{Access}')");
        }
    }
}
