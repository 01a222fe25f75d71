using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Projects;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// What a user does with agent runs: start one for a target, confirm or reject its plan. Each action
/// is saved before Codegen is told (so two clicks cannot both resume) and undone if Codegen refuses.
/// </summary>
public sealed class AgentRunService(
    AppDbContext db,
    CodegenClient codegen,
    LiveEvents events,
    IBackgroundJobClient jobs,
    TimeProvider time,
    IOptions<CodegenOptions> options,
    ILogger<AgentRunService> logger)
{
    public const int MaxTargetLength = 10_000;
    public const int MaxPromptLength = 20_000;

    public static string? ValidateTarget(string? target) =>
        string.IsNullOrWhiteSpace(target) ? "Say what the agent should do."
        : target.Length > MaxTargetLength ? $"A target is at most {MaxTargetLength} characters."
        : null;

    /// <summary>Creates the run in Codegen. The row is kept (as Failed, with the reason) when Codegen refuses.</summary>
    /// <exception cref="CodegenNotConfiguredException">No token or org id: nothing is saved.</exception>
    public async Task<AgentRun?> StartAsync(int projectId, string? target, bool? autoConfirm, CancellationToken cancellationToken)
    {
        if (ValidateTarget(target) is { } error)
        {
            throw new AgentRunInputException("target", error);
        }
        var project = await db.Set<Project>().FirstOrDefaultAsync(p => p.Id == projectId, cancellationToken);
        if (project is null)
        {
            return null;
        }
        if (!codegen.IsConfigured)
        {
            throw new CodegenNotConfiguredException();
        }
        var now = time.GetUtcNow();
        var run = new AgentRun
        {
            ProjectId = project.Id,
            Target = target!.Trim(),
            PlanningStatement = project.Settings.PlanningStatement,
            AutoConfirm = autoConfirm ?? project.Settings.AutoConfirmPlans,
            CreatedAt = now,
            StatusChangedAt = now,
        };
        run.Prompt = AgentPrompts.Initial(project.FullName, project.DefaultBranch, run.PlanningStatement, run.Target);
        run.MoveTo(AgentRunStatus.Starting, "Run requested", now);
        db.Add(run);
        await db.SaveChangesAsync(cancellationToken);

        try
        {
            var repoId = await codegen.FindRepositoryIdAsync(project.FullName, cancellationToken)
                ?? throw new CodegenApiException(null,
                    $"Repository {project.FullName} is not among the Codegen organization's repositories; connect it in Codegen first.");
            var created = await codegen.CreateRunAsync(new CreateAgentRunRequest(run.Prompt, repoId, new Dictionary<string, object>
            {
                ["source"] = "codegen-cicd",
                ["repository"] = project.FullName,
                ["agent_run"] = run.Id,
            }), cancellationToken);
            run.CodegenRunId = created.Id;
            run.WebUrl = created.WebUrl;
            run.CodegenStatus = created.Status;
            now = time.GetUtcNow();
            run.MoveTo(AgentRunStatus.Planning, "Codegen accepted the run; waiting for its plan", now);
            run.Reschedule(now, options.Value.PollInterval);
        }
        catch (CodegenApiException e)
        {
            run.Error = e.Message;
            run.MoveTo(AgentRunStatus.Failed, "Codegen did not start the run", time.GetUtcNow());
            await SaveAndAnnounceAsync(run, CancellationToken.None);
            throw new AgentRunFailedException(run, e);
        }
        await SaveAndAnnounceAsync(run, cancellationToken);
        SchedulePoll(run);
        logger.LogInformation("Agent run {AgentRunId} started as Codegen run {CodegenRunId} for {Repository}",
            run.Id, run.CodegenRunId, project.FullName);
        return run;
    }

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
        var note = string.IsNullOrWhiteSpace(adjustedInstructions) ? "Plan confirmed" : "Plan confirmed with adjusted instructions";
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
        await SaveAndAnnounceAsync(run, cancellationToken);
        return run;
    }

    /// <summary>Used by confirmation and auto-confirmation: claim the transition, then resume; undo if Codegen refuses.</summary>
    internal async Task ConfirmLoadedAsync(AgentRun run, string? adjustedInstructions, string note, CancellationToken cancellationToken)
    {
        var branch = await db.Set<Project>().Where(p => p.Id == run.ProjectId).Select(p => p.DefaultBranch).FirstAsync(cancellationToken);
        var now = time.GetUtcNow();
        run.Error = null;
        run.MarkResumed(now);
        run.MoveTo(AgentRunStatus.Implementing, note, now);
        run.Reschedule(now, options.Value.PollInterval);
        await ClaimAsync(cancellationToken);
        try
        {
            var resumed = await codegen.ResumeRunAsync(run.CodegenRunId!.Value, AgentPrompts.Confirm(branch, adjustedInstructions), cancellationToken);
            run.CodegenStatus = resumed.Status ?? run.CodegenStatus;
        }
        catch (CodegenApiException e)
        {
            run.Error = $"The confirmation could not be sent: {e.Message}";
            run.MoveTo(AgentRunStatus.AwaitingConfirmation, "Confirmation not delivered; confirm again", time.GetUtcNow());
            run.NextPollAt = null;
            await SaveAndAnnounceAsync(run, CancellationToken.None);
            throw new AgentRunFailedException(run, e);
        }
        await SaveAndAnnounceAsync(run, cancellationToken);
        SchedulePoll(run);
    }

    /// <summary>An early poll for a run that just changed; the recurring sweep covers it afterwards.</summary>
    internal void SchedulePoll(AgentRun run)
    {
        if (run.NextPollAt is { } due)
        {
            jobs.Schedule<AgentRunPollJob>(j => j.PollRunAsync(run.Id, CancellationToken.None), due - time.GetUtcNow());
        }
    }

    /// <summary>Saves a decision before Codegen hears of it; a concurrent decision on the same run wins and this one is refused.</summary>
    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new AgentRunStateException("This run was answered or changed meanwhile; reload it to see its current state.");
        }
    }

    private async Task SaveAndAnnounceAsync(AgentRun run, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        events.PublishUpdate(run);
    }

    private Task<AgentRun?> LoadAsync(int id, CancellationToken cancellationToken) =>
        db.Set<AgentRun>().Include(r => r.History).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    private static void RequireAwaitingConfirmation(AgentRun run, string action)
    {
        if (run.Status != AgentRunStatus.AwaitingConfirmation)
        {
            throw new AgentRunStateException($"Only a plan awaiting confirmation can be {action}; this run is {run.Status.Label().ToLowerInvariant()}.");
        }
    }
}

/// <summary>Codegen refused an action on a saved run; the run (with its error) is in <see cref="Run"/>.</summary>
public sealed class AgentRunFailedException(AgentRun run, CodegenApiException inner) : Exception(inner.Message, inner)
{
    public AgentRun Run { get; } = run;

    public CodegenApiException Upstream { get; } = inner;
}
