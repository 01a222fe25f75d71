using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CodegenCicd.Accounts;

/// <summary>A GitHub user's cookie works while their session stamp is current (signing out anywhere ends it).</summary>
internal static class GitHubSessions
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var users = context.HttpContext.RequestServices.GetRequiredService<GitHubUsers>();
        if (!await users.IsSessionCurrentAsync(principal.GitHubUserId()!.Value,
                principal.FindFirst(AccountClaims.SessionStamp)?.Value, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
