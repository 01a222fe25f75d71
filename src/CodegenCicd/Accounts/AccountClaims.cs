using System.Globalization;
using System.Security.Claims;

namespace CodegenCicd.Accounts;

/// <summary>What the sign-in cookie says about a GitHub user, and who a principal is in the audit log.</summary>
public static class AccountClaims
{
    public const string GitHubId = "codegencicd:github-id";
    public const string GitHubLogin = "codegencicd:github-login";
    public const string SessionStamp = "codegencicd:session";

    /// <summary>
    /// The GitHub user id of a principal signed in with GitHub, or null (password account, API token, anonymous).
    /// </summary>
    public static long? GitHubUserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(GitHubId)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    public static string? GitHubUserLogin(this ClaimsPrincipal user) => user.FindFirst(GitHubLogin)?.Value;

    /// <summary>
    /// App-wide admin: the password account, the API token, or a login listed in <c>Admin:Logins</c>.
    /// </summary>
    public static bool IsAppAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminAuth.Role);

    /// <summary>
    /// How the audit log names whoever made a change: the GitHub login, "admin" (password) or "api-token".
    /// </summary>
    public static string ActorName(this ClaimsPrincipal user) =>
        user.GitHubUserLogin() ?? user.Identity?.Name ?? "anonymous";
}
