using CodegenCicd.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CodegenCicd.Pages.Account;

[AllowAnonymous]
[EnableRateLimiting(AdminAuth.SignInRateLimit)]
public sealed class SignInModel(AdminCredentials credentials) : PageModel
{
    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    /// <summary>Shown when "Sign in with GitHub" is possible (the App's OAuth client is known).</summary>
    public bool GitHubSignIn { get; private set; }

    /// <summary>Where "Sign in with GitHub" starts, carrying the page to return to.</summary>
    public string GitHubSignInUrl =>
        $"{CodegenCicd.Accounts.GitHubSignInEndpoints.StartPath}"
        + $"?returnUrl={Uri.EscapeDataString(CodegenCicd.Accounts.GitHubSignInEndpoints.LocalOnly(ReturnUrl))}";

    public async Task<IActionResult> OnGetAsync(
        [FromServices] CodegenCicd.Accounts.GitHubOAuthClient github, string? error,
        CancellationToken cancellationToken)
    {
        GitHubSignIn = await github.ClientIdAsync(cancellationToken) is not null;
        // Before any GitHub App exists the first-run password is the only way in.
        if (!GitHubSignIn && await credentials.NeedsFirstRunAsync(cancellationToken))
        {
            return RedirectToPage("FirstRun");
        }
        Error = error;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await credentials.VerifyPasswordAsync(Password, cancellationToken))
        {
            GitHubSignIn = await HttpContext.RequestServices
                .GetRequiredService<CodegenCicd.Accounts.GitHubOAuthClient>()
                .ClientIdAsync(cancellationToken) is not null;
            Error = "That password is not right.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAdminAsync(credentials, cancellationToken);
        return LocalRedirect(CodegenCicd.Accounts.GitHubSignInEndpoints.LocalOnly(ReturnUrl));
    }
}
