using CodegenCicd.WebEval.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Reports;

/// <summary>
/// One web-evaluation report with its screenshots, found by the key the pipeline stored it under
/// (<c>/Reports/WebEval?key=runs/42/web-eval-1</c>). Screenshots and the raw JSON are served by
/// this page's handlers, admin-only like every page, and only from inside that report's folder.
/// </summary>
public sealed class WebEvalModel(WebEvalArtifacts artifacts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Key { get; set; }

    public WebEvalReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // The browser's internal loopback address is useless to a reader: show paths and the preview link.
        Report = await artifacts.LoadAsync(Key, cancellationToken) is { } stored ? ReportAddresses.Localize(stored) : null;
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
        artifacts.TryGetDirectory(Key, out var directory) && System.IO.File.Exists(Path.Combine(directory, WebEvalArtifacts.ReportFileName))
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
