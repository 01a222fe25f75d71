using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using CodegenCicd.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Finds the agent run behind a PR: by its URL, else by its head branch, within the PR's project.</summary>
public sealed class AgentRunLinks(AppDbContext db, CodegenClient codegen, TimeProvider time,
    ILogger<AgentRunLinks> logger)
{
    private static readonly AgentRunStatus[] MayOwnPullRequests =
        [AgentRunStatus.Implementing, AgentRunStatus.Completed, AgentRunStatus.Fixing, AgentRunStatus.Succeeded,
            AgentRunStatus.NeedsPerson];

    /// <summary>
    /// The linked PR row (tracked), or null when no agent run opened this PR. Codegen's PR list is only
    /// read when polling, so a PR not linked yet makes us ask Codegen about the project's runs once more.
    /// </summary>
    public async Task<AgentRunPullRequest?> FindAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken)
    {
        var link = await FindLinkedAsync(outcome, cancellationToken);
        if (link is not null || !codegen.IsConfigured)
        {
            return link;
        }
        var candidates = await db.Set<AgentRun>().Include(r => r.PullRequests)
            .Where(r => r.ProjectId == outcome.ProjectId && r.CodegenRunId != null
                && MayOwnPullRequests.Contains(r.Status))
            .ToListAsync(cancellationToken);
        var added = 0;
        foreach (var run in candidates)
        {
            try
            {
                var snapshot = await codegen.GetRunAsync(run.CodegenRunId!.Value, cancellationToken);
                var linked = run.SyncPullRequests(snapshot, time.GetUtcNow());
                if (linked > 0)
                {
                    run.Touch(time.GetUtcNow());
                    added += linked;
                }
            }
            catch (CodegenApiException e)
            {
                logger.LogWarning("Could not refresh agent run {AgentRunId}'s pull requests: {Reason}", run.Id,
                    e.Message);
            }
        }
        if (added > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        return await FindLinkedAsync(outcome, cancellationToken);
    }

    private async Task<AgentRunPullRequest?> FindLinkedAsync(PipelineRunOutcome outcome,
        CancellationToken cancellationToken)
    {
        var rows = await db.Set<AgentRunPullRequest>()
            .Join(db.Set<AgentRun>(), p => p.AgentRunId, r => r.Id, (p, r) => new { Link = p, r.ProjectId, r.Id })
            .Where(x => x.ProjectId == outcome.ProjectId)
            .Select(x => x.Link)
            .ToListAsync(cancellationToken);
        var url = outcome.PullRequestUrl?.ToString().TrimEnd('/');
        var pathSuffix = $"/{outcome.Repository}/pull/{outcome.PullRequest}";
        bool SamePullRequest(AgentRunPullRequest p) =>
            (url is not null && string.Equals(p.Url.TrimEnd('/'), url, StringComparison.OrdinalIgnoreCase))
            || p.Url.TrimEnd('/').EndsWith(pathSuffix, StringComparison.OrdinalIgnoreCase);
        // Newest run first: a branch name may be reused by a later run.
        var newestFirst = rows.OrderByDescending(p => p.AgentRunId).ToList();
        return newestFirst.FirstOrDefault(SamePullRequest)
            ?? newestFirst.FirstOrDefault(p =>
                !string.IsNullOrEmpty(outcome.HeadBranch) && p.HeadBranch == outcome.HeadBranch);
    }
}
