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

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await credentials.NeedsFirstRunAsync(cancellationToken) ? RedirectToPage("FirstRun") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await credentials.VerifyPasswordAsync(Password, cancellationToken))
        {
            Error = "That password is not right.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAdminAsync(credentials, cancellationToken);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
