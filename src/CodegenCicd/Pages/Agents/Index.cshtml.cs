using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pages.Agents;

public sealed record ProjectOption(int Id, string FullName);

/// <summary>Agent runs across projects, filtered by project and status.</summary>
public sealed class IndexModel(AgentRunQueries queries, AppDbContext db, CodegenClient codegen) : PageModel
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
        Projects = await db.Set<Project>().AsNoTracking().OrderBy(p => p.FullName)
            .Select(p => new ProjectOption(p.Id, p.FullName)).ToListAsync(cancellationToken);
        Runs = await queries.ListAsync(Project, Status, 200, cancellationToken);
    }
}
