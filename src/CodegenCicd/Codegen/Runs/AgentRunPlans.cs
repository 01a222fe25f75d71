using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// Answers a run's plan: confirm (optionally with adjusted instructions) or reject. Each decision is
/// saved before Codegen is told, so two clicks cannot both resume, and undone if Codegen refuses.
/// </summary>
public sealed class AgentRunPlans(
    AppDbContext db,
    ProjectLookup projects,
    CodegenClient codegen,
    AgentRunService runs,
    TimeProvider time,
    IOptions<CodegenOptions> options)
{
    public const int MaxPromptLength = 20_000;

    /// <summary>Confirms the plan (optionally with adjusted instructions) and sends the agent to work.</summary>
    public async Task<AgentRun?> ConfirmAsync(int id, string? adjustedInstructions, CancellationToken cancellationToken)
    {
        if (adjustedInstructions?.Length > MaxPromptLength)
        {
            throw new AgentRunInputException("prompt", $"Instructions are at most {MaxPromptLength} characters.");
        }
        var run = await LoadAsync(id, cancellationToken);
        if (run is null)
        {
            return null;
        }
        RequireAwaitingConfirmation(run, "confirmed");
        var note = string.IsNullOrWhiteSpace(adjustedInstructions)
            ? "Plan confirmed"
            : "Plan confirmed with adjusted instructions";
        await ConfirmLoadedAsync(run, adjustedInstructions, note, cancellationToken);
        return run;
    }

    /// <summary>Rejects the plan: the agent is told not to proceed and the run ends.</summary>
    public async Task<AgentRun?> RejectAsync(int id, string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new AgentRunInputException("reason", "Say why the plan is rejected; the agent is told.");
        }
        if (reason.Length > MaxPromptLength)
        {
            throw new AgentRunInputException("reason", $"A reason is at most {MaxPromptLength} characters.");
        }
        var run = await LoadAsync(id, cancellationToken);
        if (run is null)
        {
            return null;
        }
        RequireAwaitingConfirmation(run, "rejected");
        run.MoveTo(AgentRunStatus.Rejected, $"Plan rejected: {reason.Trim()}", time.GetUtcNow());
        run.NextPollAt = null;
        await ClaimAsync(cancellationToken);
        try
        {
            await codegen.ResumeRunAsync(run.CodegenRunId!.Value, AgentPrompts.Reject(reason), cancellationToken);
        }
        catch (CodegenApiException e)
        {
            // The decision stands; the agent is idle and waits anyway. Say that it was not told.
            run.Error = $"The rejection is recorded, but Codegen was not told: {e.Message}";
            run.Touch(time.GetUtcNow());
        }
        await runs.SaveAndAnnounceAsync(run, cancellationToken);
        return run;
    }

    /// <summary>
    /// Used by confirmation and auto-confirmation: claim the transition, then resume; undo if Codegen refuses.
    /// </summary>
    internal async Task ConfirmLoadedAsync(AgentRun run, string? adjustedInstructions, string note,
        CancellationToken cancellationToken)
    {
        var branch = (await projects.GetAsync(run.ProjectId, cancellationToken)).DefaultBranch;
        var now = time.GetUtcNow();
        run.Error = null;
        run.MarkResumed(now);
        run.MoveTo(AgentRunStatus.Implementing, note, now);
        run.Reschedule(now, options.Value.PollInterval);
        await ClaimAsync(cancellationToken);
        try
        {
            var resumed = await codegen.ResumeRunAsync(run.CodegenRunId!.Value,
                AgentPrompts.Confirm(branch, adjustedInstructions), cancellationToken);
            run.CodegenStatus = resumed.Status ?? run.CodegenStatus;
        }
        catch (CodegenApiException e)
        {
            run.Error = $"The confirmation could not be sent: {e.Message}";
            run.MoveTo(AgentRunStatus.AwaitingConfirmation, "Confirmation not delivered; confirm again",
                time.GetUtcNow());
            run.NextPollAt = null;
            await runs.SaveAndAnnounceAsync(run, CancellationToken.None);
            throw new AgentRunFailedException(run, e);
        }
        await runs.SaveAndAnnounceAsync(run, cancellationToken);
        runs.SchedulePoll(run);
    }

    /// <summary>
    /// Saves a decision before Codegen hears of it; a concurrent decision on the same run wins and this one
    /// is refused.
    /// </summary>
    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new AgentRunStateException(
                "This run was answered or changed meanwhile; reload it to see its current state.");
        }
    }

    private Task<AgentRun?> LoadAsync(int id, CancellationToken cancellationToken) =>
        db.Set<AgentRun>().Include(r => r.History).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    private static void RequireAwaitingConfirmation(AgentRun run, string action)
    {
        if (run.Status != AgentRunStatus.AwaitingConfirmation)
        {
            throw new AgentRunStateException($"Only a plan awaiting confirmation can be {action}; "
                + $"this run is {run.Status.Label().ToLowerInvariant()}.");
        }
    }
}
