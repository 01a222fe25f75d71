using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Read side of agent runs for the API and the pages.</summary>
public sealed class AgentRunQueries(AppDbContext db, ProjectLookup projects)
{
    public const int DefaultPageSize = 100;

    /// <param name="onlyProjects">The projects the person may see; null for every project (an app-wide admin).</param>
    public async Task<IReadOnlyList<AgentRunListItem>> ListAsync(
        int? projectId, AgentRunStatus? status, int take, CancellationToken cancellationToken,
        IReadOnlyCollection<int>? onlyProjects = null)
    {
        var runs = db.Set<AgentRun>().AsNoTracking();
        if (projectId is { } p)
        {
            runs = runs.Where(r => r.ProjectId == p);
        }
        if (onlyProjects is not null)
        {
            var visible = onlyProjects.ToList();
            runs = runs.Where(r => visible.Contains(r.ProjectId));
        }
        if (status is { } s)
        {
            runs = runs.Where(r => r.Status == s);
        }
        // Ids grow with time; SQLite cannot order by DateTimeOffset columns.
        var items = await runs.OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 500))
            .Select(r => new AgentRunListItem(r.Id, r.ProjectId, "", r.Target, r.Status, "", r.CodegenStatus,
                r.CodegenRunId, r.WebUrl, r.Iterations, r.PullRequests.Count, r.CreatedAt, r.UpdatedAt))
            .ToListAsync(cancellationToken);
        var names = await projects.NamesAsync([.. items.Select(i => i.ProjectId)], cancellationToken);
        return [.. items.OrderByDescending(i => i.Id)
            .Select(i => i with
            {
                Repository = names.GetValueOrDefault(i.ProjectId, ""), StatusLabel = i.Status.Label()
            })];
    }

    /// <summary>The project an agent run belongs to, for the access check; null when there is no such run.</summary>
    public Task<int?> ProjectOfAsync(int id, CancellationToken cancellationToken) =>
        db.Set<AgentRun>().Where(r => r.Id == id).Select(r => (int?)r.ProjectId).FirstOrDefaultAsync(cancellationToken);

    public async Task<AgentRunDetails?> GetAsync(int id, CancellationToken cancellationToken)
    {
        var run = await db.Set<AgentRun>().AsNoTracking().AsSplitQuery()
            .Include(r => r.History).Include(r => r.PullRequests).Include(r => r.IterationRecords)
            .FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null)
        {
            return null;
        }
        var project = await projects.GetAsync(run.ProjectId, cancellationToken);
        return new AgentRunDetails(run.Id, run.ProjectId, project.FullName, run.Target, run.PlanningStatement,
            run.Prompt, run.AutoConfirm, run.Status, run.Status.Label(), run.CodegenStatus, run.CodegenRunId,
            run.WebUrl, run.Plan, run.Result, run.Error,
            run.Iterations, project.Settings.MaxIterations, run.CreatedAt, run.UpdatedAt, run.NextPollAt,
            [.. run.History.OrderBy(h => h.Id)
                .Select(h => new AgentRunHistoryItem(h.At, h.Status, h.CodegenStatus, h.Note))],
            [.. run.PullRequests.OrderBy(p => p.Id)
                .Select(p => new AgentRunPullRequestItem(p.Url, p.Title, p.HeadBranch, p.LastPipelineConclusion,
                    p.LastPipelineRunId))],
            [.. run.IterationRecords.OrderBy(i => i.Id)
                .Select(i => new AgentRunIterationItem(i.Number, i.PipelineRunId, i.PullRequestUrl, i.HeadSha,
                    i.Report, i.CreatedAt, i.SentAt, i.LimitReached))]);
    }
}
