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
public sealed class FirstRunModel(AdminCredentials credentials) : PageModel
{
    [BindProperty]
    public string SetupCode { get; set; } = "";

    [BindProperty]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    public string ConfirmPassword { get; set; } = "";

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await credentials.NeedsFirstRunAsync(cancellationToken) ? Page() : RedirectToPage("SignIn");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Error = NewPassword.Length < 8 ? "The password needs at least 8 characters."
            : NewPassword != ConfirmPassword ? "The two passwords differ."
            : null;
        if (Error is null)
        {
            switch (await credentials.CompleteFirstRunAsync(SetupCode, NewPassword, cancellationToken))
            {
                case FirstRunResult.AlreadySetUp:
                    return RedirectToPage("SignIn");
                case FirstRunResult.WrongCode:
                    Error = "That setup code is not the current one. Use the code from the latest start-up log.";
                    break;
                default:
                    await HttpContext.SignInAdminAsync(credentials, cancellationToken);
                    return LocalRedirect("/");
            }
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
