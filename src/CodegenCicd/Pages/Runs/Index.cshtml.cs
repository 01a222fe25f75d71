using CodegenCicd.Accounts;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Api;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Runs;

/// <summary>
/// Pipeline runs, newest first, filtered by project, status and pull request; only runs of projects the person may see.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class IndexModel(
    AppDbContext db, RunsPages pages, PipelineActivityQueries runs, ProjectLookup projects, ProjectAccess access)
    : PageModel
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
        var visible = await access.VisibleProjectIdsAsync(cancellationToken);
        Projects = (await projects.ListAllAsync(cancellationToken))
            .Where(p => visible is null || visible.Contains(p.Id)).ToDictionary(p => p.Id, p => p.FullName);
        if (!RunsQuery.TryParseStatus(Status, out var status))
        {
            FilterError = $"Unknown status '{Status}'.";
            return;
        }
        Runs = (await pages.GetAsync(new RunFilter(Project, status, Pr, visible), cancellationToken)).Runs;
    }

    private async Task<IActionResult> VisibleRowAsync(PipelineRun? run, IActionResult otherwise) =>
        run is null ? otherwise
        : await access.LevelAsync(run.ProjectId, HttpContext.RequestAborted) >= AccessLevel.Read
            ? Partial("_RunRow", run)
        : otherwise;

    /// <summary>One row, for live.js to swap in when the run or one of its stages changes.</summary>
    public async Task<IActionResult> OnGetRowAsync(long id, CancellationToken cancellationToken) =>
        await VisibleRowAsync(await runs.FindRunAsync(id, cancellationToken), NotFound());

    /// <summary>
    /// A run the list has not shown yet (live.js asks when an event names an unknown run): its row
    /// when it passes this page's filters, 204 when it does not (yet; a later event may ask again).
    /// </summary>
    public async Task<IActionResult> OnGetNewRowAsync(long id, CancellationToken cancellationToken) =>
        RunsQuery.TryParseStatus(Status, out var status)
            ? await VisibleRowAsync(
                await RunsQuery.FindMatchingAsync(db, id, new RunFilter(Project, status, Pr), cancellationToken),
                new NoContentResult())
            : new NoContentResult();

    /// <summary>Where live.js fetches new rows for this list, with the page's filters.</summary>
    public string NewRowUrl => Url.Page("/Runs/Index", "NewRow", new { project = Project, status = Status, pr = Pr })!;
}
