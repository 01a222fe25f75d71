using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Projects;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Starts agent runs for a target (the row is saved first, so a refusal by Codegen loses nothing).</summary>
public sealed class AgentRunService(
    AppDbContext db,
    ProjectLookup projects,
    CodegenClient codegen,
    LiveEvents events,
    IBackgroundJobClient jobs,
    TimeProvider time,
    IOptions<CodegenOptions> options,
    ILogger<AgentRunService> logger)
{
    public const int MaxTargetLength = 10_000;

    public static string? ValidateTarget(string? target) =>
        string.IsNullOrWhiteSpace(target) ? "Say what the agent should do."
        : target.Length > MaxTargetLength ? $"A target is at most {MaxTargetLength} characters."
        : null;

    /// <summary>
    /// Creates the run in Codegen. The row is kept (as Failed, with the reason) when Codegen refuses.
    /// </summary>
    /// <exception cref="CodegenNotConfiguredException">No token or org id: nothing is saved.</exception>
    public async Task<AgentRun?> StartAsync(int projectId, string? target, bool? autoConfirm,
        CancellationToken cancellationToken)
    {
        if (ValidateTarget(target) is { } error)
        {
            throw new AgentRunInputException("target", error);
        }
        var project = await projects.FindAsync(projectId, cancellationToken);
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
                    $"Repository {project.FullName} is not among the Codegen organization's repositories; "
                    + "connect it in Codegen first.");
            var created = await codegen.CreateRunAsync(new CreateAgentRunRequest(run.Prompt, repoId,
                new Dictionary<string, object>
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

    /// <summary>An early poll for a run that just changed; the recurring sweep covers it afterwards.</summary>
    internal void SchedulePoll(AgentRun run)
    {
        if (run.NextPollAt is { } due)
        {
            jobs.Schedule<AgentRunPollJob>(j => j.PollRunAsync(run.Id, CancellationToken.None), due - time.GetUtcNow());
        }
    }

    internal async Task SaveAndAnnounceAsync(AgentRun run, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        events.PublishUpdate(run);
    }
}
