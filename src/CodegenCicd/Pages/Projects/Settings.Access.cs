using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CodegenCicd.Pages.Projects;

/// <summary>
/// Settings and secrets are for admins of the repository on GitHub (and app-wide admins); every change is audited.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed partial class SettingsModel
{
    public override async Task OnPageHandlerExecutionAsync(
        PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (int.TryParse(RouteData.Values["id"]?.ToString(), out var id)
            && await this.RefuseAsync(id, AccessLevel.Admin, "open this project's settings and secrets") is { } refused)
        {
            context.Result = refused;
            return;
        }
        await next();
    }

    private Task RecordAsync(string action, int projectId, string target, CancellationToken cancellationToken) =>
        services.GetRequiredService<IAuditLog>().RecordAsync(new(action, projectId, target), cancellationToken);
}
