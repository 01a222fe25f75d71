using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Api;

/// <summary>Runs filtered by project, status and PR, newest first (shared by the API and the runs page).</summary>
public static class RunsQuery
{
    public const int PageSize = 100;

    public static bool TryParseStatus(string? value, out RunStatus? status)
    {
        status = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        if (Enum.TryParse<RunStatus>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            status = parsed;
            return true;
        }
        return false;
    }

    public static Task<List<PipelineRun>> ListAsync(AppDbContext db, int? projectId, RunStatus? status, int? pullRequest, CancellationToken cancellationToken) =>
        Filter(db, projectId, status, pullRequest).OrderByDescending(r => r.Id).Take(PageSize).ToListAsync(cancellationToken);

    /// <summary>One run, when it passes the same filters (a list showing live updates asks before adding a new run).</summary>
    public static Task<PipelineRun?> FindMatchingAsync(AppDbContext db, long id, int? projectId, RunStatus? status, int? pullRequest, CancellationToken cancellationToken) =>
        Filter(db, projectId, status, pullRequest).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    private static IQueryable<PipelineRun> Filter(AppDbContext db, int? projectId, RunStatus? status, int? pullRequest)
    {
        var query = db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages).AsQueryable();
        if (projectId is { } project)
        {
            query = query.Where(r => r.ProjectId == project);
        }
        if (status is { } wanted)
        {
            query = query.Where(r => r.Status == wanted);
        }
        if (pullRequest is { } pr)
        {
            query = query.Where(r => r.PullRequest == pr);
        }
        return query;
    }
}
