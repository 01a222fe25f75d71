using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// Asks Codegen about one working run and moves it along the state machine (<see cref="AgentRunStatus"/>):
/// records status changes, links the PRs it opened, notices the plan, and auto-confirms when the run allows it.
/// </summary>
public sealed class AgentRunTracker(
    AppDbContext db,
    CodegenClient codegen,
    AgentRunPlans plans,
    LiveEvents events,
    TimeProvider time,
    IOptions<CodegenOptions> options,
    ILogger<AgentRunTracker> logger)
{
    /// <summary>
    /// After a resume, an idle status older than this is believed even if the run was never seen working.
    /// </summary>
    public static readonly TimeSpan ResumeGrace = TimeSpan.FromMinutes(3);

    private static readonly string[] PlanMessageTypes = ["PLAN_EVALUATION", "FINAL_ANSWER"];

    /// <summary>Polls the run if it is working; returns false when there was nothing to ask.</summary>
    public async Task<bool> PollAsync(int agentRunId, CancellationToken cancellationToken)
    {
        var run = await db.Set<AgentRun>().Include(r => r.PullRequests)
            .FirstOrDefaultAsync(r => r.Id == agentRunId, cancellationToken);
        if (run is null || !run.Status.IsPolled() || run.CodegenRunId is not { } codegenRunId)
        {
            return false;
        }
        var snapshot = await codegen.GetRunAsync(codegenRunId, cancellationToken);
        var before = (run.Status, run.CodegenStatus);
        var now = time.GetUtcNow();
        run.LastPolledAt = now;
        run.WebUrl = snapshot.WebUrl ?? run.WebUrl;
        run.CodegenStatus = snapshot.Status;
        var linked = run.SyncPullRequests(snapshot, now);
        var state = snapshot.State;
        if (state == CodegenRunState.Running && run.ResumedAt is not null)
        {
            run.SeenWorkingSinceResume = true;
        }

        var autoConfirm = false;
        if (state == CodegenRunState.Failed)
        {
            run.Error = snapshot.Result ?? snapshot.Summary ?? $"Codegen reported the run as {snapshot.Status}.";
            run.MoveTo(AgentRunStatus.Failed, $"Codegen reported {snapshot.Status}", now);
        }
        else if (state == CodegenRunState.Stopped)
        {
            run.MoveTo(AgentRunStatus.Stopped, $"Codegen reported {snapshot.Status}", now);
        }
        else if (state.IsIdle() && IsFreshAnswer(run, snapshot, now))
        {
            var answer = snapshot.Result ?? snapshot.Summary;
            if (run.Status == AgentRunStatus.Planning)
            {
                run.Plan = answer ?? await LatestPlanFromLogsAsync(codegenRunId, cancellationToken)
                    ?? "Codegen reported no plan text; open the run in Codegen to read it.";
                run.Result = answer;
                run.MoveTo(AgentRunStatus.AwaitingConfirmation, "The agent proposed a plan", now);
                autoConfirm = run.AutoConfirm;
            }
            else
            {
                run.Result = answer;
                run.MoveTo(AgentRunStatus.Completed, linked > 0 || run.PullRequests.Count > 0
                    ? $"The agent finished; {run.PullRequests.Count} pull request(s) linked"
                    : "The agent finished without opening a pull request", now);
            }
        }
        else if (before.CodegenStatus != run.CodegenStatus || linked > 0)
        {
            run.MoveTo(run.Status, linked > 0
                ? $"Codegen reports {snapshot.Status}; {linked} pull request(s) linked"
                : $"Codegen reports {snapshot.Status}", now);
        }
        else
        {
            run.Touch(now);
        }
        run.Reschedule(now, options.Value.PollInterval);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone (a confirmation, the fix loop, another poll) changed the run meanwhile; their change wins,
            // the next poll looks again.
            logger.LogInformation("Agent run {AgentRunId} changed while being polled; skipping this poll", run.Id);
            return false;
        }
        if (before != (run.Status, run.CodegenStatus) || linked > 0)
        {
            events.PublishUpdate(run);
        }
        if (autoConfirm)
        {
            try
            {
                await plans.ConfirmLoadedAsync(run, null, "Plan confirmed automatically (auto-confirm is on)",
                    cancellationToken);
            }
            catch (Exception e) when (e is AgentRunFailedException or AgentRunStateException)
            {
                // The run stays awaiting confirmation with the reason shown; a person can confirm it.
                logger.LogWarning("Auto-confirming agent run {AgentRunId} failed: {Reason}", run.Id, e.Message);
            }
        }
        return true;
    }

    /// <summary>Not the answer Codegen gave before our last follow-up (see <see cref="AgentRunStatus"/>).</summary>
    private static bool IsFreshAnswer(AgentRun run, CodegenAgentRun snapshot, DateTimeOffset now) =>
        run.ResumedAt is not { } resumedAt
        || run.SeenWorkingSinceResume
        || !string.Equals(snapshot.Result ?? snapshot.Summary, run.ResultBeforeResume, StringComparison.Ordinal)
        || now - resumedAt >= ResumeGrace;

    /// <summary>
    /// The newest plan-like trace entry; the logs endpoint is alpha, so its failure only means "no plan text".
    /// </summary>
    private async Task<string?> LatestPlanFromLogsAsync(long codegenRunId, CancellationToken cancellationToken)
    {
        try
        {
            var logs = await codegen.GetLogsAsync(codegenRunId, 0, 50, reverse: true, cancellationToken);
            return logs.Entries
                .Where(e => PlanMessageTypes.Contains(e.MessageType?.ToUpperInvariant())
                    && !string.IsNullOrWhiteSpace(e.Thought))
                .OrderByDescending(e => e.CreatedAt)
                .Select(e => e.Thought)
                .FirstOrDefault();
        }
        catch (CodegenApiException e)
        {
            logger.LogWarning("Logs of Codegen run {CodegenRunId} could not be read: {Reason}", codegenRunId,
                e.Message);
            return null;
        }
    }
}
