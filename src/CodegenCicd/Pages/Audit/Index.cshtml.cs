using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Audit;

/// <summary>
/// The audit log: who changed what and when, newest first, optionally of one project; a GitHub user sees
/// their projects' entries.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class IndexModel(AuditQuery audit, ProjectAccess access, ProjectDirectory projects) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Project { get; set; }

    public IReadOnlyList<AuditEntryDto> Entries { get; private set; } = [];

    /// <summary>The projects the reader may filter by (those they may see), id to repository.</summary>
    public IReadOnlyDictionary<int, string> Projects { get; private set; } = new Dictionary<int, string>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var visible = await access.VisibleProjectIdsAsync(cancellationToken);
        Projects = (await projects.AllAsync(cancellationToken)).Where(p => visible is null || visible.Contains(p.Key))
            .OrderBy(p => p.Value, StringComparer.OrdinalIgnoreCase).ToDictionary(p => p.Key, p => p.Value);
        Entries = await audit.ListAsync(Project, visible, cancellationToken);
    }

    public string ProjectName(int? id) => id is { } known && Projects.TryGetValue(known, out var name) ? name : "—";
}
