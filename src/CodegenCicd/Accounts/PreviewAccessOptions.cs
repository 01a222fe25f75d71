using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Accounts;

/// <summary>
/// <c>Previews:Access</c>: which preview link the PR comment carries, and so who opens it.
/// <c>collaborators</c> (default): the stable link <c>/preview/{owner}/{repo}/{pr}/</c>, for someone signed
/// in with read access to the repository; <c>link</c>: the unguessable capability link <c>/p/{token}/</c>,
/// for anyone who has it (as with a Vercel preview), e.g. a reviewer outside the team. The stable link
/// needs sign-in either way (<see cref="PreviewLinkAccess"/>).
/// </summary>
public sealed class PreviewAccessOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Previews";

    public const string Collaborators = "collaborators";
    public const string Link = "link";

    /// <summary>
    /// Who opens the preview link in the PR comment: <c>collaborators</c> (the stable link, signed in with read
    /// access to the repository) or <c>link</c> (the unguessable capability link, anyone who has it).
    /// </summary>
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
