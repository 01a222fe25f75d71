using CodegenCicd.Accounts;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.WebEval.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Reports;

/// <summary>
/// One web-evaluation report with its screenshots, found by the key the pipeline stored it under
/// (<c>/Reports/WebEval?key=runs/42/web-eval-1</c>). Screenshots and the raw JSON are served by
/// this page's handlers, only from inside that report's folder, to whoever may see the run
/// (read access to its repository): a report key starts with <c>runs/{runId}/</c>.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class WebEvalModel(WebEvalArtifacts artifacts, PipelineActivityQueries runs) : PageModel
{
    /// <summary>Every handler (page, screenshots, JSON) is behind the same check.</summary>
    public override async Task OnPageHandlerExecutionAsync(
        PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var runId = Key?.Split('/') is ["runs", var run, ..] && long.TryParse(run, out var id) ? id : (long?)null;
        var projectId = runId is null ? null
            : await runs.ProjectOfRunAsync(runId.Value, HttpContext.RequestAborted);
        if (projectId is null)
        {
            // Only app-wide admins open reports that belong to no run.
            if (!User.IsAppAdmin())
            {
                context.Result = NotFound();
                return;
            }
        }
        else if (await this.RefuseAsync(projectId.Value, AccessLevel.Read, "see this report") is { } refused)
        {
            context.Result = refused;
            return;
        }
        await next();
    }

    [BindProperty(SupportsGet = true)]
    public string? Key { get; set; }

    public WebEvalReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // The browser's internal loopback address is useless to a reader: show paths and the preview link.
        Report = await artifacts.LoadAsync(Key, cancellationToken) is { } stored
            ? ReportAddresses.Localize(stored)
            : null;
        if (Report is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }

    public IActionResult OnGetScreenshot(string? file) =>
        artifacts.TryGetArtifact(Key, file, out var path)
            ? PhysicalFile(path, path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg")
            : NotFound();

    public IActionResult OnGetJson() =>
        artifacts.TryGetDirectory(Key, out var directory)
        && System.IO.File.Exists(Path.Combine(directory, WebEvalArtifacts.ReportFileName))
            ? PhysicalFile(Path.Combine(directory, WebEvalArtifacts.ReportFileName), "application/json")
            : NotFound();

    public string? ScreenshotUrl(string? file) =>
        file is null ? null : Url.Page("/Reports/WebEval", "Screenshot", new { key = Key, file });

    public static string BadgeClass(CodegenCicd.WebEval.WebEvalVerdict verdict) => verdict switch
    {
        CodegenCicd.WebEval.WebEvalVerdict.Passed => "success",
        CodegenCicd.WebEval.WebEvalVerdict.Failed => "failure",
        CodegenCicd.WebEval.WebEvalVerdict.Error => "action_required",
        _ => "skipped",
    };
}
