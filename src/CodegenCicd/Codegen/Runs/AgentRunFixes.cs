using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Pipelines;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// The fix loop: a failing pipeline on an agent's PR is sent back to the agent with the report, up to
/// the project's <c>MaxIterations</c>; past that the run needs a person and the PR says so. One
/// iteration row per pipeline run is claimed before Codegen is called, so a repeated outcome sends nothing twice.
/// </summary>
public sealed class AgentRunFixes(
    AppDbContext db,
    ProjectLookup projects,
    AgentRunLinks links,
    CodegenClient codegen,
    AgentRunService runs,
    PullRequestNotes notes,
    LiveEvents events,
    TimeProvider time,
    IOptions<CodegenOptions> options,
    ILogger<AgentRunFixes> logger)
{
    public async Task HandleAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken)
    {
        var link = await links.FindAsync(outcome, cancellationToken);
        if (link is null)
        {
            return;
        }
        var run = await db.Set<AgentRun>().Include(r => r.IterationRecords)
            .FirstAsync(r => r.Id == link.AgentRunId, cancellationToken);
        link.LastPipelineConclusion = outcome.Conclusion.ToString();
        link.LastPipelineRunId = outcome.RunId;
        var now = time.GetUtcNow();

        switch (outcome.Conclusion)
        {
            case PipelineConclusion.Success when run.Status.AcceptsFixes():
                run.MoveTo(AgentRunStatus.Succeeded, $"Pipeline run {outcome.RunId} passed on {link.Url}", now);
                run.NextPollAt = null;
                await SaveAndAnnounceAsync(run, cancellationToken);
                return;
            case PipelineConclusion.Failure:
                await HandleFailureAsync(run, link, outcome, cancellationToken);
                return;
            default:
                // action_required is an infrastructure problem, not the agent's code: it is not sent back.
                run.Touch(now);
                await db.SaveChangesAsync(cancellationToken);
                return;
        }
    }

    private async Task HandleFailureAsync(AgentRun run, AgentRunPullRequest link, PipelineRunOutcome outcome,
        CancellationToken cancellationToken)
    {
        var iteration = run.IterationRecords.FirstOrDefault(i => i.PipelineRunId == outcome.RunId);
        if (iteration is { SentAt: not null } or { LimitReached: true })
        {
            return; // This pipeline run was answered already.
        }
        if (iteration is null && !run.Status.AcceptsFixes())
        {
            logger.LogInformation(
                "Pipeline run {PipelineRunId} failed on agent run {AgentRunId}'s PR, which is {Status}; not sent",
                outcome.RunId, run.Id, run.Status);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var max = (await projects.GetAsync(run.ProjectId, cancellationToken)).Settings;
        var now = time.GetUtcNow();
        if (iteration is null && run.Iterations >= max.MaxIterations)
        {
            await GiveUpAsync(run, link, outcome, max.MaxIterations, cancellationToken);
            return;
        }
        if (iteration is null)
        {
            iteration = new AgentRunIteration
            {
                AgentRunId = run.Id,
                Number = run.Iterations + 1,
                PipelineRunId = outcome.RunId,
                PullRequestUrl = link.Url,
                HeadSha = outcome.HeadSha,
                Report = outcome.FailureReport,
                CreatedAt = now,
            };
            run.IterationRecords.Add(iteration);
            run.Iterations = iteration.Number;
            run.MarkResumed(now);
            run.MoveTo(AgentRunStatus.Fixing, $"Pipeline run {outcome.RunId} failed; "
                + $"sending fix request {iteration.Number} of {max.MaxIterations}", now);
            run.Reschedule(now, options.Value.PollInterval);
            if (!await TryClaimAsync(cancellationToken))
            {
                return;
            }
        }
        var prompt = AgentPrompts.Fix(iteration.Number, max.MaxIterations, link.Url, outcome.HeadSha,
            outcome.FailureReport);
        try
        {
            await codegen.ResumeRunAsync(run.CodegenRunId!.Value, prompt, cancellationToken);
        }
        catch (CodegenApiException e)
        {
            // The row stays unsent; the pipeline calls listeners again on retry and this resends it.
            run.Error = $"Fix request {iteration.Number} could not be sent: {e.Message}";
            run.Touch(time.GetUtcNow());
            await SaveAndAnnounceAsync(run, CancellationToken.None);
            throw;
        }
        iteration.SentAt = time.GetUtcNow();
        run.Error = null;
        run.Touch(iteration.SentAt.Value);
        await SaveAndAnnounceAsync(run, cancellationToken);
        runs.SchedulePoll(run);
    }

    private async Task GiveUpAsync(AgentRun run, AgentRunPullRequest link, PipelineRunOutcome outcome, int max,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        run.IterationRecords.Add(new AgentRunIteration
        {
            AgentRunId = run.Id,
            PipelineRunId = outcome.RunId,
            PullRequestUrl = link.Url,
            HeadSha = outcome.HeadSha,
            Report = outcome.FailureReport,
            CreatedAt = now,
            LimitReached = true,
        });
        run.Error = $"The pipeline still fails after {max} fix request(s); a person needs to take over {link.Url}.";
        run.MoveTo(AgentRunStatus.NeedsPerson,
            $"Pipeline run {outcome.RunId} failed; the limit of {max} fix request(s) is reached", now);
        run.NextPollAt = null;
        if (!await TryClaimAsync(cancellationToken))
        {
            return;
        }
        events.PublishUpdate(run);
        var commented = await notes.PostNeedsPersonAsync(run, outcome, max, cancellationToken);
        run.MoveTo(AgentRunStatus.NeedsPerson,
            commented ?? "The pull request was not commented on (GitHub unavailable)", time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Saves the claim; false when another delivery of the same outcome claimed it first.</summary>
    private async Task<bool> TryClaimAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e)
        {
            logger.LogInformation(e, "Another worker answered this pipeline outcome first");
            return false;
        }
    }

    private async Task SaveAndAnnounceAsync(AgentRun run, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        events.PublishUpdate(run);
    }
}
