using Microsoft.AspNetCore.Authorization;

namespace CodegenCicd.Accounts;

/// <summary>
/// The fallback policy stays "app-wide admin" (secure by default); pages and endpoints of a project
/// opt into <see cref="SignedIn"/> and then check the person's access to that project themselves.
/// </summary>
public static class AccessPolicies
{
    public const string SignedIn = "SignedIn";

    public static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder builder) =>
        builder.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
}
