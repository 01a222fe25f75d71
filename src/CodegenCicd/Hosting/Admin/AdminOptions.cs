using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Hosting.Admin;

public sealed class AdminOptions : IConfigSection
{
    public static string SectionName => "Admin";

    /// <summary>Admin sign-in password. When absent, a one-time setup code is logged at start.</summary>
    [MinLength(8, ErrorMessage = "Admin:Password must be at least 8 characters")]
    public string? Password { get; set; }

    /// <summary>Bearer token for the admin JSON API.</summary>
    [MinLength(16, ErrorMessage = "Admin:ApiToken must be at least 16 characters")]
    public string? ApiToken { get; set; }
}
