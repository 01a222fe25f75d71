using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Account;

[AllowAnonymous]
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("SignIn");

    public async Task<IActionResult> OnPostAsync(
        [FromServices] CodegenCicd.Accounts.GitHubUsers users, CancellationToken cancellationToken)
    {
        if (CodegenCicd.Accounts.AccountClaims.GitHubUserId(User) is { } userId)
        {
            // Every session of this GitHub user ends, and their token is forgotten.
            await users.SignOutAsync(userId, cancellationToken);
        }
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("SignIn");
    }
}
