using System.Text.Json;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using CodegenCicd.WebEval.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pages.Runs;

/// <summary>One run: its stages with timings, logs, annotations and check runs; re-run, cancel, and approve a fork PR's waiting run.</summary>
public sealed class DetailsModel(
    PipelineActivityQueries runs, RunControl control, IOptions<GitHubOptions> gitHub, IOptions<PipelineOptions> pipelines, WebEvalArtifacts artifacts,
    ArtifactRetention retention) : PageModel
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

    public async Task<IActionResult> OnPostRerunAsync(long id, [FromServices] CancelledRunRestart restart, CancellationToken cancellationToken)
    {
        var result = await control.RerunAsync(id, from: null, FollowUp.Job, cancellationToken);
        if (result == ControlResult.AwaitsApproval)
        {
            return Answer(id, result, "", "This run is from a fork and its code has not been approved to run: approve it while it waits, or change the project's forks setting.");
        }
        if (result != ControlResult.Cancelled)
        {
            return Answer(id, result, "Re-run started.", "This run is still running; cancel it first or wait for it to finish.");
        }
        // A cancelled run stays cancelled: the same head gets a new run, and the page follows it.
        var restarted = await restart.RestartAsync(id, cancellationToken);
        TempData["RunMessage"] = restarted.NewRunId is null ? restarted.Refusal : $"Started as a new run of the same head (the cancelled run #{id} stays as it was).";
        return RedirectToPage(new { id = restarted.NewRunId ?? id });
    }

    /// <summary>"Approve and run" for a fork PR's waiting run, recorded as approved by the admin.</summary>
    public async Task<IActionResult> OnPostApproveAsync(long id, [FromServices] RunApproval approval, CancellationToken cancellationToken)
    {
        var result = await approval.ApproveAsync(id, RunApproval.Admin, FollowUp.Job, cancellationToken);
        if (result.Result == ControlResult.NotFound)
        {
            return NotFound();
        }
        TempData["RunMessage"] = result.Result == ControlResult.Done ? "Approved: the fork's pipeline is starting." : result.Refusal;
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken) =>
        Answer(id, await control.CancelAsync(id, "cancelled by an admin", teardown: true, FollowUp.Job, cancellationToken),
            "Run cancelled; its check runs on GitHub are being marked cancelled.", "This run has already finished.");

    /// <summary>The web-eval report page (screenshots, console errors) of a stage whose report lives under the artifacts root.</summary>
    public string? ReportPage(PipelineStage stage)
    {
        if (stage.ReportPath is null)
        {
            return null;
        }
        var root = artifacts.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var directory = Path.GetDirectoryName(Path.GetFullPath(stage.ReportPath));
        return directory is not null && directory.StartsWith(root, StringComparison.Ordinal)
            ? WebEvalArtifacts.PageUrl(Path.GetRelativePath(artifacts.Root, directory).Replace(Path.DirectorySeparatorChar, '/'))
            : null;
    }

    /// <summary>When the stage's web-eval report and screenshots were pruned (Retention:*), or null.</summary>
    public DateTimeOffset? ReportPrunedAt(PipelineStage stage) =>
        ReportPage(stage) is { } page ? retention.PrunedAt(Uri.UnescapeDataString(page[(page.IndexOf('=', StringComparison.Ordinal) + 1)..])) : null;

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
        var run = await runs.FindRunAsync(id, cancellationToken);
        if (run is not null)
        {
            Run = run;
        }
        return run;
    }
}
