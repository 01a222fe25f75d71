using CodegenCicd.Data;
using CodegenCicd.Pipelines.Api;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pages.Runs;

/// <summary>Pipeline runs, newest first, filtered by project, status and pull request.</summary>
public sealed class IndexModel(AppDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Project { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Pr { get; set; }

    public IReadOnlyList<PipelineRun> Runs { get; private set; } = [];

    public IReadOnlyDictionary<int, string> Projects { get; private set; } = new Dictionary<int, string>();

    public string? FilterError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Projects = await db.Set<Project>().AsNoTracking().OrderBy(p => p.FullName).ToDictionaryAsync(p => p.Id, p => p.FullName, cancellationToken);
        if (!RunsQuery.TryParseStatus(Status, out var status))
        {
            FilterError = $"Unknown status '{Status}'.";
            return;
        }
        Runs = await RunsQuery.ListAsync(db, Project, status, Pr, cancellationToken);
    }

    /// <summary>One row, for live.js to swap in when the run or one of its stages changes.</summary>
    public async Task<IActionResult> OnGetRowAsync(long id, CancellationToken cancellationToken) =>
        await db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages).FirstOrDefaultAsync(r => r.Id == id, cancellationToken) is { } run
            ? Partial("_RunRow", run)
            : NotFound();
}
