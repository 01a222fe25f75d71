using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Accounts;

public sealed class AdminOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "Admin";

    /// <summary>Admin sign-in password. When absent, a one-time setup code is logged at start.</summary>
    public string? Password { get; set; }

    /// <summary>Bearer token for the admin JSON API.</summary>
    public string? ApiToken { get; set; }

    /// <summary>
    /// GitHub logins (comma- or space-separated) with app-wide admin rights once signed in with GitHub.
    /// </summary>
    public string? Logins { get; set; }

    public IReadOnlySet<string> LoginSet => (Logins ?? "")
        .Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Password) && Password.Length < 8)
        {
            yield return new("Admin:Password must be at least 8 characters");
        }
        if (!string.IsNullOrEmpty(ApiToken) && ApiToken.Length < 16)
        {
            yield return new("Admin:ApiToken must be at least 16 characters");
        }
    }
}
