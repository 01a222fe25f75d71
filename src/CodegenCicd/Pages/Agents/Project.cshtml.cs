using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Agents;

/// <summary>
/// A project's agent runs and the "Run agent" form (target, planning statement preview, auto-confirm):
/// read access to the repository shows the runs, write access starts one.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class ProjectModel(
    ProjectLookup projects, AgentRunQueries queries, AgentRunService service, CodegenClient codegen, IAuditLog audit)
    : PageModel
{
    public const string StartAction = "start an agent run on this project";

    /// <summary>Whether the form is shown: write access to the repository.</summary>
    public bool CanStart { get; private set; }

    [BindProperty]
    public string Target { get; set; } = "";

    [BindProperty]
    public bool AutoConfirm { get; set; }

    public Project? Subject { get; private set; }

    public IReadOnlyList<AgentRunListItem> Runs { get; private set; } = [];

    public bool CodegenConfigured => codegen.IsConfigured;

    public string? Error { get; private set; }

    /// <summary>A run that was saved although Codegen refused it, so the user can open it.</summary>
    public int? FailedRunId { get; private set; }

    public async Task<IActionResult> OnGetAsync(int projectId, CancellationToken cancellationToken)
    {
        if (await this.RefuseAsync(projectId, AccessLevel.Read, "see this project's agent runs") is { } refused)
        {
            return refused;
        }
        if (!await LoadAsync(projectId, cancellationToken))
        {
            return NotFound();
        }
        AutoConfirm = Subject!.Settings.AutoConfirmPlans;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int projectId, CancellationToken cancellationToken)
    {
        if (await this.RefuseAsync(projectId, AccessLevel.Write, StartAction) is { } refused)
        {
            return refused;
        }
        try
        {
            var run = await service.StartAsync(projectId, Target, AutoConfirm, cancellationToken);
            if (run is null)
            {
                return NotFound();
            }
            await audit.RecordAsync(AgentRunAudit.Started(run), cancellationToken);
            return Redirect($"/Agents/Run/{run.Id}");
        }
        catch (Exception e) when (AgentRunErrors.Describe(e) is { } error)
        {
            if (error.Field is not null)
            {
                ModelState.AddModelError(nameof(Target), error.Message);
            }
            else
            {
                Error = error.Message;
            }
            FailedRunId = error.Failure?.Run.Id;
            Response.StatusCode = error.StatusCode;
        }
        if (Response.StatusCode == StatusCodes.Status200OK)
        {
            // The form's own validation failed before the service was asked.
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return await LoadAsync(projectId, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(int projectId, CancellationToken cancellationToken)
    {
        Subject = await projects.FindAsync(projectId, cancellationToken);
        if (Subject is null)
        {
            return false;
        }
        Runs = await queries.ListAsync(projectId, null, 200, cancellationToken);
        CanStart = await this.AccessLevelAsync(projectId) >= AccessLevel.Write;
        return true;
    }
}
