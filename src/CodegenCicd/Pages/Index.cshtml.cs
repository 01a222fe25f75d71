using CodegenCicd.Accounts;
using CodegenCicd.Hosting.Integrations;
using CodegenCicd.Retention;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages;

/// <summary>
/// The instance overview for app-wide admins; a GitHub user without that role starts at their projects.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class IndexModel(IntegrationStatusService integrations, DiskUsage disk) : PageModel
{
    public IReadOnlyList<IntegrationStatus> Integrations { get; private set; } = [];

    /// <summary>The latest background measurement (never taken per request: it walks folders).</summary>
    public DiskUsageReport? Disk => disk.Latest;

    /// <summary>Bytes as people read them: 0 B, 12.3 KB, 4.0 MB, 1.2 GB (1024-based).</summary>
    public static string Readable(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? $"{bytes} B"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

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
