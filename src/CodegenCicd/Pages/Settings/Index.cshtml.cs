using CodegenCicd.Accounts;
using CodegenCicd.Hosting.Integrations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Settings;

/// <summary>
/// Instance settings: which integrations are configured (and how to), the admin password, GitHub App pages.
/// </summary>
public sealed class IndexModel(IntegrationStatusService integrations, AdminCredentials credentials) : PageModel
{
    public const int MinPasswordLength = 8;

    public IReadOnlyList<IntegrationStatus> Integrations { get; private set; } = [];

    public bool PasswordFromConfiguration => credentials.PasswordFromConfiguration;

    [BindProperty]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    public string ConfirmPassword { get; set; } = "";

    [TempData]
    public string? Message { get; set; }

    public string? PasswordError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Integrations = await integrations.GetAllAsync(cancellationToken);

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        PasswordError =
            PasswordFromConfiguration ? "The password comes from configuration (Admin:Password); change it there."
            : NewPassword.Length < MinPasswordLength
                ? $"The new password needs at least {MinPasswordLength} characters."
            : NewPassword != ConfirmPassword ? "The two new passwords differ."
            : !await credentials.ChangePasswordAsync(CurrentPassword, NewPassword, cancellationToken)
                ? "The current password is not right."
            : null;
        if (PasswordError is not null)
        {
            Integrations = await integrations.GetAllAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await HttpContext.RequestServices.GetRequiredService<CodegenCicd.Audit.IAuditLog>()
            .RecordAsync(new(CodegenCicd.Audit.AuditActions.InstanceSettings, null, "admin password changed"),
                cancellationToken);
        // Other sessions are signed out by the new stamp; this one gets a fresh cookie.
        await HttpContext.SignInAdminAsync(credentials, cancellationToken);
        Message = "Password changed. Other signed-in sessions have been signed out.";
        return RedirectToPage();
    }
}
