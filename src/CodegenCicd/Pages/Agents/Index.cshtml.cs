using CodegenCicd.Accounts;
using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Agents;

public sealed record ProjectOption(int Id, string FullName);

/// <summary>
/// Agent runs across projects, filtered by project and status; only runs of projects the person may see.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class IndexModel(
    AgentRunQueries queries, ProjectLookup projects, CodegenClient codegen, ProjectAccess access) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Project { get; set; }

    [BindProperty(SupportsGet = true)]
    public AgentRunStatus? Status { get; set; }

    public IReadOnlyList<AgentRunListItem> Runs { get; private set; } = [];

    public IReadOnlyList<ProjectOption> Projects { get; private set; } = [];

    public bool CodegenConfigured => codegen.IsConfigured;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var visible = await access.VisibleProjectIdsAsync(cancellationToken);
        Projects = [.. (await projects.ListAllAsync(cancellationToken))
            .Where(p => visible is null || visible.Contains(p.Id)).Select(p => new ProjectOption(p.Id, p.FullName))];
        Runs = await queries.ListAsync(Project, Status, 200, cancellationToken, onlyProjects: visible);
    }
}
