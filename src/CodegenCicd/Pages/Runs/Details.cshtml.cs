using System.Text.Json;
using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using CodegenCicd.WebEval.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pages.Runs;

/// <summary>
/// One run: its stages with timings, logs, annotations and check runs; re-run, cancel, and approve a fork PR's
/// waiting run. A check run's details link lands here: anyone with read access to the repository sees it, write
/// access acts on it.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class DetailsModel(
    PipelineActivityQueries runs, RunControl control, IOptions<GitHubOptions> gitHub,
    IOptions<PipelineOptions> pipelines, WebEvalArtifacts artifacts, ArtifactRetention retention, IAuditLog audit)
    : PageModel
{
    /// <summary>Whether the buttons are shown: write access to the repository.</summary>
    public bool CanAct { get; private set; }

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
        if (await this.RefuseAsync(Run.ProjectId, AccessLevel.Read, "see this run") is { } refused)
        {
            return refused;
        }
        CanAct = await this.AccessLevelAsync(Run.ProjectId) >= AccessLevel.Write;
        Message = TempData["RunMessage"] as string;
        return Page();
    }

    /// <summary>The run without the page around it, for live.js to swap in when the run or a stage changes.</summary>
    public async Task<IActionResult> OnGetBodyAsync(long id, CancellationToken cancellationToken)
    {
        // A fragment fetched in the background must not use up the page's one-time message, nor write its
        // cookie (see ChangedOnlyTempDataProvider): it races the page a form's redirect leads to.
        TempData.Keep();
        if (await LoadAsync(id, cancellationToken) is null)
        {
            return NotFound();
        }
        if (await this.RefuseAsync(Run.ProjectId, AccessLevel.Read, "see this run") is { } refused)
        {
            return refused;
        }
        CanAct = await this.AccessLevelAsync(Run.ProjectId) >= AccessLevel.Write;
        return Partial("_RunBody", this);
    }

    public async Task<IActionResult> OnPostRerunAsync(
        long id, [FromServices] CancelledRunRestart restart, CancellationToken cancellationToken)
    {
        if (await RefuseActionAsync(id, "re-run this run", cancellationToken) is { } refused)
        {
            return refused;
        }
        var result = await control.RerunAsync(id, from: null, FollowUp.Job, cancellationToken);
        if (result is ControlResult.Done or ControlResult.Cancelled)
        {
            await audit.RecordAsync(new(AuditActions.RunRerun, Run.ProjectId, $"run {id}"), cancellationToken);
        }
        if (result == ControlResult.AwaitsApproval)
        {
            return Answer(id, result, "",
                "This run is from a fork and its code has not been approved to run: "
                + "approve it while it waits, or change the project's forks setting.");
        }
        if (result != ControlResult.Cancelled)
        {
            return Answer(id, result, "Re-run started.",
                "This run is still running; cancel it first or wait for it to finish.");
        }
        // A cancelled run stays cancelled: the same head gets a new run, and the page follows it.
        var restarted = await restart.RestartAsync(id, cancellationToken);
        TempData["RunMessage"] = restarted.NewRunId is null
            ? restarted.Refusal
            : $"Started as a new run of the same head (the cancelled run #{id} stays as it was).";
        return RedirectToPage(new { id = restarted.NewRunId ?? id });
    }

    /// <summary>"Approve and run" for a fork PR's waiting run, recorded as approved by the admin.</summary>
    public async Task<IActionResult> OnPostApproveAsync(
        long id, [FromServices] RunApproval approval, CancellationToken cancellationToken)
    {
        if (await RefuseActionAsync(id, "approve this fork pull request's run", cancellationToken) is { } refused)
        {
            return refused;
        }
        var result = await approval.ApproveAsync(id, User.ActorName(), FollowUp.Job, cancellationToken);
        if (result.Result == ControlResult.NotFound)
        {
            return NotFound();
        }
        if (result.Result == ControlResult.Done)
        {
            await audit.RecordAsync(new(AuditActions.RunApprove, Run.ProjectId, $"run {id}"), cancellationToken);
        }
        TempData["RunMessage"] = result.Result == ControlResult.Done
            ? "Approved: the fork's pipeline is starting."
            : result.Refusal;
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCancelAsync(long id, CancellationToken cancellationToken)
    {
        if (await RefuseActionAsync(id, "cancel this run", cancellationToken) is { } refused)
        {
            return refused;
        }
        var result = await control.CancelAsync(
            id, $"cancelled by {User.ActorName()}", teardown: true, FollowUp.Job, cancellationToken);
        if (result == ControlResult.Done)
        {
            await audit.RecordAsync(new(AuditActions.RunCancel, Run.ProjectId, $"run {id}"), cancellationToken);
        }
        return Answer(id, result,
            "Run cancelled; its check runs on GitHub are being marked cancelled.", "This run has already finished.");
    }

    /// <summary>Loads the run and refuses unless the person has write access to its repository.</summary>
    private async Task<IActionResult?> RefuseActionAsync(long id, string action, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) is null
            ? NotFound()
            : await this.RefuseAsync(Run.ProjectId, AccessLevel.Write, action);

    /// <summary>
    /// The web-eval report page (screenshots, console errors) of a stage whose report lives under the artifacts root.
    /// </summary>
    public string? ReportPage(PipelineStage stage)
    {
        if (stage.ReportPath is null)
        {
            return null;
        }
        var root = artifacts.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var directory = Path.GetDirectoryName(Path.GetFullPath(stage.ReportPath));
        return directory is not null && directory.StartsWith(root, StringComparison.Ordinal)
            ? WebEvalArtifacts.PageUrl(
                Path.GetRelativePath(artifacts.Root, directory).Replace(Path.DirectorySeparatorChar, '/'))
            : null;
    }

    /// <summary>When the stage's web-eval report and screenshots were pruned (Retention:*), or null.</summary>
    public DateTimeOffset? ReportPrunedAt(PipelineStage stage) =>
        ReportPage(stage) is { } page
            ? retention.PrunedAt(Uri.UnescapeDataString(page[(page.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            : null;

    public static IReadOnlyList<CodeAnnotation> Annotations(PipelineStage stage) =>
        stage.AnnotationsJson is null
            ? []
            : JsonSerializer.Deserialize<List<CodeAnnotation>>(stage.AnnotationsJson) ?? [];

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
