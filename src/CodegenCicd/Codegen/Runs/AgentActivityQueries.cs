using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen.Runs;

/// <summary>An agent run that is still working or waiting for a person, as the dashboard shows it.</summary>
public sealed record ActiveAgentRunView(int Id, int ProjectId, AgentRunStatus Status, string Target);

/// <summary>Read side of agent runs for the dashboard, batched over many projects.</summary>
public sealed class AgentActivityQueries(AppDbContext db)
{
    /// <summary>Not finished: the agent works, or a person has to confirm its plan.</summary>
    public static readonly AgentRunStatus[] Active =
        [AgentRunStatus.Starting, AgentRunStatus.Planning, AgentRunStatus.AwaitingConfirmation,
            AgentRunStatus.Implementing, AgentRunStatus.Fixing];

    /// <summary>Agent runs of every project that are active.</summary>
    public Task<int> CountActiveAsync(CancellationToken cancellationToken) =>
        db.Set<AgentRun>().CountAsync(r => Active.Contains(r.Status), cancellationToken);

    /// <summary>The newest active agent run per project.</summary>
    public async Task<IReadOnlyDictionary<int, ActiveAgentRunView>> ActiveRunsAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        var ids = projectIds.Distinct().ToList();
        var runs = await db.Set<AgentRun>().AsNoTracking()
            .Where(r => ids.Contains(r.ProjectId) && Active.Contains(r.Status))
            .Select(r => new ActiveAgentRunView(r.Id, r.ProjectId, r.Status, r.Target))
            .ToListAsync(cancellationToken);
        return runs.GroupBy(r => r.ProjectId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
    }

    /// <summary>
    /// Titles of the pull requests agents opened, by URL (the pipeline knows numbers and URLs, not titles).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> PullRequestTitlesAsync(
        IReadOnlyCollection<string> urls, CancellationToken cancellationToken)
    {
        var wanted = urls.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        var rows = await db.Set<AgentRunPullRequest>().AsNoTracking()
            .Where(p => wanted.Contains(p.Url) && p.Title != null)
            .Select(p => new { p.Url, p.Title })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Url).ToDictionary(g => g.Key, g => g.First().Title!);
    }
}
