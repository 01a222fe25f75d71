using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Read side of agent runs for the API and the pages.</summary>
public sealed class AgentRunQueries(AppDbContext db)
{
    public const int DefaultPageSize = 100;

    public async Task<IReadOnlyList<AgentRunListItem>> ListAsync(int? projectId, AgentRunStatus? status, int take, CancellationToken cancellationToken)
    {
        var runs = db.Set<AgentRun>().AsNoTracking();
        if (projectId is { } p)
        {
            runs = runs.Where(r => r.ProjectId == p);
        }
        if (status is { } s)
        {
            runs = runs.Where(r => r.Status == s);
        }
        // Ids grow with time; SQLite cannot order by DateTimeOffset columns.
        var items = await runs.OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 500))
            .Join(db.Set<Project>(), r => r.ProjectId, pr => pr.Id, (r, pr) => new { Run = r, pr.FullName })
            .Select(x => new AgentRunListItem(x.Run.Id, x.Run.ProjectId, x.FullName, x.Run.Target, x.Run.Status, "", x.Run.CodegenStatus,
                x.Run.CodegenRunId, x.Run.WebUrl, x.Run.Iterations, x.Run.PullRequests.Count, x.Run.CreatedAt, x.Run.UpdatedAt))
            .ToListAsync(cancellationToken);
        return [.. items.OrderByDescending(i => i.Id).Select(i => i with { StatusLabel = i.Status.Label() })];
    }

    public async Task<AgentRunDetails?> GetAsync(int id, CancellationToken cancellationToken)
    {
        var run = await db.Set<AgentRun>().AsNoTracking().AsSplitQuery()
            .Include(r => r.History).Include(r => r.PullRequests).Include(r => r.IterationRecords)
            .FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null)
        {
            return null;
        }
        var project = await db.Set<Project>().AsNoTracking().Where(p => p.Id == run.ProjectId)
            .Select(p => new { p.FullName, p.Settings }).FirstAsync(cancellationToken);
        return new AgentRunDetails(run.Id, run.ProjectId, project.FullName, run.Target, run.PlanningStatement, run.Prompt, run.AutoConfirm,
            run.Status, run.Status.Label(), run.CodegenStatus, run.CodegenRunId, run.WebUrl, run.Plan, run.Result, run.Error,
            run.Iterations, project.Settings.MaxIterations, run.CreatedAt, run.UpdatedAt, run.NextPollAt,
            [.. run.History.OrderBy(h => h.Id).Select(h => new AgentRunHistoryItem(h.At, h.Status, h.CodegenStatus, h.Note))],
            [.. run.PullRequests.OrderBy(p => p.Id).Select(p => new AgentRunPullRequestItem(p.Url, p.Title, p.HeadBranch, p.LastPipelineConclusion, p.LastPipelineRunId))],
            [.. run.IterationRecords.OrderBy(i => i.Id).Select(i => new AgentRunIterationItem(i.Number, i.PipelineRunId, i.PullRequestUrl, i.HeadSha,
                i.Report, i.CreatedAt, i.SentAt, i.LimitReached))]);
    }
}
