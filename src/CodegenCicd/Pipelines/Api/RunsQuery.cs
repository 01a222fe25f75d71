using System.Linq.Expressions;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Api;

/// <summary>
/// Which runs a list shows: filters, the projects the person may see (null: all), and the page: at most
/// <see cref="Limit"/> runs older than <see cref="Before"/> (a run id), newest first.
/// </summary>
public sealed record RunFilter(
    int? ProjectId = null, RunStatus? Status = null, int? PullRequest = null, IReadOnlySet<int>? Visible = null,
    long? Before = null, int Limit = RunsQuery.PageSize);

/// <summary>
/// Runs filtered by project, status and PR, newest first, a page at a time (shared by the API and the runs page).
/// </summary>
public static class RunsQuery
{
    public const int PageSize = 100;

    public const int MaxPageSize = 500;

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

    /// <summary>
    /// One page of runs with their stages, without the columns a list never shows (stage logs and
    /// annotations, the run's configuration): those are most of a run's bytes.
    /// </summary>
    public static async Task<List<PipelineRun>> ListAsync(
        AppDbContext db, RunFilter filter, CancellationToken cancellationToken)
    {
        var query = Filter(db, filter);
        if (filter.Before is { } before)
        {
            query = query.Where(r => r.Id < before);
        }
        var runs = await query.OrderByDescending(r => r.Id).Take(Math.Clamp(filter.Limit, 1, MaxPageSize))
            .Select(ListColumns).ToListAsync(cancellationToken);
        await AttachStagesAsync(db, runs, cancellationToken);
        return runs;
    }

    /// <summary>
    /// One run, when it passes the same filters (a list showing live updates asks before adding a new run).
    /// </summary>
    public static async Task<PipelineRun?> FindMatchingAsync(
        AppDbContext db, long id, RunFilter filter, CancellationToken cancellationToken)
    {
        var run = await Filter(db, filter).Where(r => r.Id == id).Select(ListColumns).FirstOrDefaultAsync(cancellationToken);
        if (run is not null)
        {
            await AttachStagesAsync(db, [run], cancellationToken);
        }
        return run;
    }

    /// <summary>
    /// The runs' stages in a second query rather than as a nested collection of the runs' projection: EF Core
    /// built and compiled delegates for that nested projection on every execution (a profile of
    /// <c>GET /api/runs</c> showed the JIT at a sixth of the CPU).
    /// </summary>
    private static async Task AttachStagesAsync(
        AppDbContext db, List<PipelineRun> runs, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return;
        }
        var ids = runs.Select(r => r.Id).ToList();
        var stages = await db.Set<PipelineStage>().AsNoTracking().Where(s => ids.Contains(s.RunId))
            .OrderBy(s => s.Id).Select(StageColumns).ToListAsync(cancellationToken);
        var byRun = stages.ToLookup(s => s.RunId);
        foreach (var run in runs)
        {
            run.Stages = [.. byRun[run.Id]];
        }
    }

    private static IQueryable<PipelineRun> Filter(AppDbContext db, RunFilter filter)
    {
        var query = db.Set<PipelineRun>().AsNoTracking();
        if (filter.ProjectId is { } project)
        {
            query = query.Where(r => r.ProjectId == project);
        }
        if (filter.Status is { } wanted)
        {
            query = query.Where(r => r.Status == wanted);
        }
        if (filter.PullRequest is { } pr)
        {
            query = query.Where(r => r.PullRequest == pr);
        }
        if (filter.Visible is { } visible)
        {
            // In the query, not after it: a page holds only runs the person may see, and is full when there are enough.
            var ids = visible.ToArray();
            query = query.Where(r => ids.Contains(r.ProjectId));
        }
        return query;
    }

    private static readonly Expression<Func<PipelineRun, PipelineRun>> ListColumns = r => new PipelineRun
    {
        Id = r.Id,
        ProjectId = r.ProjectId,
        Repository = r.Repository,
        PullRequest = r.PullRequest,
        HeadSha = r.HeadSha,
        HeadBranch = r.HeadBranch,
        CloneUrl = r.CloneUrl,
        Trigger = r.Trigger,
        Status = r.Status,
        StatusReason = r.StatusReason,
        MergedSha = r.MergedSha,
        PreviewPath = r.PreviewPath,
        FromFork = r.FromFork,
        AuthorAssociation = r.AuthorAssociation,
        ApprovedBy = r.ApprovedBy,
        ApprovedAt = r.ApprovedAt,
        CreatedAt = r.CreatedAt,
        StartedAt = r.StartedAt,
        CompletedAt = r.CompletedAt,
    };

    private static readonly Expression<Func<PipelineStage, PipelineStage>> StageColumns = s => new PipelineStage
    {
        Id = s.Id,
        RunId = s.RunId,
        Kind = s.Kind,
        Status = s.Status,
        Conclusion = s.Conclusion,
        Attempt = s.Attempt,
        CheckRunId = s.CheckRunId,
        Title = s.Title,
        Summary = s.Summary,
        ReportPath = s.ReportPath,
        StartedAt = s.StartedAt,
        CompletedAt = s.CompletedAt,
    };
}
