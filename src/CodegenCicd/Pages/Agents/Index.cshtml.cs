using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Agents;

public sealed record ProjectOption(int Id, string FullName);

/// <summary>Agent runs across projects, filtered by project and status.</summary>
public sealed class IndexModel(AgentRunQueries queries, ProjectLookup projects, CodegenClient codegen) : PageModel
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
        Projects = [.. (await projects.ListAllAsync(cancellationToken)).Select(p => new ProjectOption(p.Id, p.FullName))];
        Runs = await queries.ListAsync(Project, Status, 200, cancellationToken);
    }
}
