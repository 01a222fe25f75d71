using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Agents;

/// <summary>
/// One agent run: status, plan with Confirm / Reject, Codegen's latest logs, linked PRs, fix iterations, history.
/// Read access to the repository shows it; write access answers the plan.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class RunModel(
    AgentRunQueries queries, AgentRunPlans plans, CodegenClient codegen, IAuditLog audit, ILogger<RunModel> logger)
    : PageModel
{
    /// <summary>Whether Confirm / Reject are shown: write access to the repository.</summary>
    public bool CanAnswer { get; private set; }

    public const int LogEntriesShown = 30;

    [BindProperty]
    public string? Instructions { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public AgentRunDetails? Run { get; private set; }

    public IReadOnlyList<CodegenLogEntry> Logs { get; private set; } = [];

    public string? LogsUnavailable { get; private set; }

    public string? Error { get; private set; }

    public string? Notice { get; private set; }

    public bool CodegenConfigured => codegen.IsConfigured;

    /// <summary>Only http(s) links from Codegen are rendered as links (never <c>javascript:</c> or the like).</summary>
    public static string? SafeLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri.AbsoluteUri : null;

    public async Task<IActionResult> OnGetAsync(int id, string? notice, CancellationToken cancellationToken)
    {
        Notice = notice switch
        {
            "confirmed" => "Plan confirmed: the agent is implementing it.",
            "rejected" => "Plan rejected: the agent was told not to proceed.",
            _ => null,
        };
        if (await queries.ProjectOfAsync(id, cancellationToken) is not { } projectId)
        {
            return NotFound();
        }
        if (await this.RefuseAsync(projectId, AccessLevel.Read, "see this agent run") is { } refused)
        {
            return refused;
        }
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostConfirmAsync(int id, CancellationToken cancellationToken) =>
        AnswerAsync(id, () => plans.ConfirmAsync(id, Instructions, cancellationToken), AgentRunAudit.Confirmed,
            "confirmed", nameof(Instructions), cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(int id, CancellationToken cancellationToken) =>
        AnswerAsync(id, () => plans.RejectAsync(id, Reason, cancellationToken), AgentRunAudit.Rejected,
            "rejected", nameof(Reason), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        int id, Func<Task<AgentRun?>> answer, Func<AgentRun, AuditRecord> record, string notice, string field,
        CancellationToken cancellationToken)
    {
        if (await queries.ProjectOfAsync(id, cancellationToken) is not { } projectId)
        {
            return NotFound();
        }
        if (await this.RefuseAsync(projectId, AccessLevel.Write, "answer this agent run's plan") is { } refused)
        {
            return refused;
        }
        try
        {
            if (await answer() is not { } run)
            {
                return NotFound();
            }
            await audit.RecordAsync(record(run), cancellationToken);
            return Redirect($"/Agents/Run/{id}?notice={notice}");
        }
        catch (Exception e) when (AgentRunErrors.Describe(e) is { } error)
        {
            Show(error, field);
        }
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private void Show(AgentRunError error, string field)
    {
        if (error.Field is not null)
        {
            ModelState.AddModelError(field, error.Message);
        }
        else
        {
            Error = error.Message;
        }
        Response.StatusCode = error.StatusCode;
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        Run = await queries.GetAsync(id, cancellationToken);
        if (Run is null)
        {
            return false;
        }
        CanAnswer = await this.AccessLevelAsync(Run.ProjectId) >= AccessLevel.Write;
        if (Run.CodegenRunId is { } codegenRunId && codegen.IsConfigured)
        {
            try
            {
                Logs = (await codegen.GetLogsAsync(codegenRunId, 0, LogEntriesShown, reverse: true, cancellationToken))
                    .Entries;
            }
            catch (CodegenApiException e)
            {
                // The logs endpoint is alpha; the rest of the page does not depend on it.
                logger.LogInformation("Logs of Codegen run {CodegenRunId} unavailable: {Reason}",
                    codegenRunId, e.Message);
                LogsUnavailable = e.Message;
            }
        }
        return true;
    }
}
