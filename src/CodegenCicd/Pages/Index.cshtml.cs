using CodegenCicd.Accounts;
using CodegenCicd.Hosting.Integrations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages;

/// <summary>The instance overview for app-wide admins; a GitHub user without that role starts at their projects.</summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class IndexModel(IntegrationStatusService integrations) : PageModel
{
    public IReadOnlyList<IntegrationStatus> Integrations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!User.IsAppAdmin())
        {
            return Redirect("/Projects");
        }
        Integrations = await integrations.GetAllAsync(cancellationToken);
        return Page();
    }
}
