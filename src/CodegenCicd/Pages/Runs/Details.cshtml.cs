using System.Text.Json;
using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using CodegenCicd.WebEval.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pages.Runs;

/// <summary>One run: its stages with timings, logs, annotations and check runs; re-run and cancel.</summary>
public sealed class DetailsModel(
    AppDbContext db, RunControl control, WebEvalArtifacts reports, IOptions<GitHubOptions> gitHub, IOptions<PipelineOptions> pipelines, IHostEnvironment environment) : PageModel
{
    public PipelineRun Run { get; private set; } = null!;

    public string? Message { get; private set; }

    public Uri GitHubWeb => gitHub.Value.WebUrl;

    public Uri PublicUrl => pipelines.Value.PublicUrl;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is null)
        {
            return NotFound();
        }
        Message = TempData["RunMessage"] as string;
        return Page();
    }

    /// <summary>The run without the page around it, for live.js to swap in when the run or a stage changes.</summary>
    public async Task<IActionResult> OnGetBodyAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) is null ? NotFound() : Partial("_RunBody", this);

    public async Task<IActionResult> OnPostRerunAsync(long id, CancellationToken cancellationToken) =>
        Answer(id, await control.RerunAsync(id, from: null, cancellationToken),
            "Re-run started.", "This run is still running, or a newer run of its pull request replaced it.");

    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken) =>
        Answer(id, await control.CancelAsync(id, "cancelled by an admin", teardown: true, cancellationToken),
            "Run cancelled; its check runs end cancelled.", "This run has already finished.");

    /// <summary>The web-eval report (JSON) of a stage, served only from the artifact folder.</summary>
    public async Task<IActionResult> OnGetReportAsync(long id, long stage, CancellationToken cancellationToken)
    {
        var path = await db.Set<PipelineStage>().AsNoTracking().Where(s => s.Id == stage && s.RunId == id).Select(s => s.ReportPath).FirstOrDefaultAsync(cancellationToken);
        var root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, pipelines.Value.ArtifactRoot)) + Path.DirectorySeparatorChar;
        return path is not null && Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal) && System.IO.File.Exists(path)
            ? PhysicalFile(Path.GetFullPath(path), "application/json")
            : NotFound();
    }

    /// <summary>
    /// Where a stage's web-eval report is shown: the report page (with its screenshots) when the report sits
    /// under the web-eval artefacts root, else the raw JSON.
    /// </summary>
    public string ReportLink(PipelineStage stage)
    {
        var root = reports.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var directory = Path.GetDirectoryName(Path.GetFullPath(stage.ReportPath!)) ?? "";
        var key = directory.StartsWith(root, StringComparison.Ordinal) ? directory[root.Length..].Replace(Path.DirectorySeparatorChar, '/') : null;
        return key is not null && reports.TryGetDirectory(key, out _)
            ? WebEvalArtifacts.PageUrl(key)
            : $"/Runs/{stage.RunId}?handler=Report&stage={stage.Id}";
    }

    public static IReadOnlyList<CodeAnnotation> Annotations(PipelineStage stage) =>
        stage.AnnotationsJson is null ? [] : JsonSerializer.Deserialize<List<CodeAnnotation>>(stage.AnnotationsJson) ?? [];

    private IActionResult Answer(long id, ControlResult result, string done, string refused)
    {
        if (result == ControlResult.NotFound)
        {
            return NotFound();
        }
        TempData["RunMessage"] = result == ControlResult.Done ? done : refused;
        return RedirectToPage(new { id });
    }

    private async Task<PipelineRun?> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var run = await db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is not null)
        {
            Run = run;
        }
        return run;
    }
}
