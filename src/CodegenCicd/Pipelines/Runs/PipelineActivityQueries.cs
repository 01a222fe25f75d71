using System.Text.Json;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Runs;

/// <summary>The latest run of a project with its stages, as status words the stylesheet colours.</summary>
public sealed record LatestRunView(
    long RunId,
    int ProjectId,
    int PullRequest,
    string HeadSha,
    string Status,
    DateTimeOffset StartedAt,
    IReadOnlyList<(string Stage, string Status)> Stages,
    string? PreviewPath,
    bool IsActive);

/// <summary>A pull request the pipeline has seen that is neither merged nor closed.</summary>
public sealed record OpenPullRequestView(int ProjectId, int Number, string? Url, string? Title, string Status);

/// <summary>
/// Read side of runs for the dashboard, batched per call: a handful of queries whatever the number of projects.
/// There is no pull-request table, so "open" is what the runs say: the PR's latest run did not merge it and
/// GitHub has not said it closed (<see cref="PipelineRun.PullRequestClosedAt"/>, set by the <c>closed</c> event).
/// </summary>
public sealed class PipelineActivityQueries(AppDbContext db)
{
    public const string ClosedReason = "the pull request was closed";

    private const int PullRequestsPerProject = 10;

    /// <summary>One run with its stages, untracked, or null.</summary>
    /// <summary>The project a run belongs to, or null for an unknown run.</summary>
    public Task<int?> ProjectOfRunAsync(long runId, CancellationToken cancellationToken) =>
        db.Set<PipelineRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => (int?)r.ProjectId)
            .FirstOrDefaultAsync(cancellationToken);

    public Task<PipelineRun?> FindRunAsync(long runId, CancellationToken cancellationToken) =>
        db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages)
            .FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);

    /// <summary>The runs a webhook delivery started, oldest first, with their stages.</summary>
    public Task<List<PipelineRun>> RunsOfDeliveryAsync(string deliveryId, CancellationToken cancellationToken) =>
        db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages).Include(r => r.Effects)
            .Where(r => r.DeliveryId == deliveryId).OrderBy(r => r.Id).ToListAsync(cancellationToken);

    /// <summary>Runs of every project not finished yet: queued, running, waiting (merge gate, approval).</summary>
    public Task<int> CountUnfinishedAsync(CancellationToken cancellationToken) =>
        db.Set<PipelineRun>().CountAsync(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running
            || r.Status == RunStatus.Waiting || r.Status == RunStatus.AwaitingApproval, cancellationToken);

    /// <summary>
    /// The newest run of each project with its stages. The newest id is looked up per project (an index
    /// seek on (ProjectId, Id) each) instead of grouping every run of every project: with 100,000 runs
    /// the grouping read the whole index on every dashboard view.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, LatestRunView>> LatestRunsAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        var ids = projectIds.Distinct().ToList();
        var latestIds = await NewestRunIdsAsync(ids, cancellationToken);
        var runs = await db.Set<PipelineRun>().AsNoTracking()
            .Where(r => latestIds.Contains(r.Id))
            .Select(r => new
            {
                r.Id, r.ProjectId, r.PullRequest, r.HeadSha, r.Status, r.CreatedAt, r.StartedAt, r.PreviewPath
            })
            .ToListAsync(cancellationToken);
        var stages = await db.Set<PipelineStage>().AsNoTracking()
            .Where(s => latestIds.Contains(s.RunId))
            .Select(s => new { s.RunId, s.Kind, s.Status, s.Conclusion })
            .ToListAsync(cancellationToken);
        var stagesByRun = stages.ToLookup(s => s.RunId);
        return runs.ToDictionary(r => r.ProjectId, r => new LatestRunView(
            r.Id, r.ProjectId, r.PullRequest, r.HeadSha, StatusBadges.For(r.Status), r.StartedAt ?? r.CreatedAt,
            [.. stagesByRun[r.Id].OrderBy(s => s.Kind)
                .Select(s => (s.Kind.Slug(), StatusBadges.For(s.Status, s.Conclusion)))],
            r.PreviewPath, !r.Status.IsFinal()));
    }

    /// <summary>
    /// The newest run id of each project: one index seek per project. LINQ has no way to start a query from a
    /// list of ids, and grouping reads every run, so this is SQL, the same on both providers but for how the list
    /// of ids becomes rows.
    /// </summary>
    private async Task<List<long>> NewestRunIdsAsync(List<int> projectIds, CancellationToken cancellationToken)
    {
        var newest = db.Database.IsSqlite()
            ? db.Database.SqlQuery<long?>($"""
                SELECT (SELECT MAX("Id") FROM "PipelineRun" WHERE "ProjectId" = p.value) AS "Value"
                FROM json_each({JsonSerializer.Serialize(projectIds)}) AS p
                """)
            : db.Database.SqlQuery<long?>($"""
                SELECT (SELECT MAX("Id") FROM "PipelineRun" WHERE "ProjectId" = p) AS "Value"
                FROM unnest({projectIds.ToArray()}) AS p
                """);
        return [.. (await newest.ToListAsync(cancellationToken)).OfType<long>()];
    }

    /// <summary>
    /// Pull requests whose newest run neither merged them nor saw them closed. Only pull requests with at
    /// least one such run can qualify, and those are few (a partial index holds just them), so the newest
    /// run is looked up for those alone rather than for every pull request ever seen.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<OpenPullRequestView>>> OpenPullRequestsAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        var ids = projectIds.Distinct().ToList();
        var runs = db.Set<PipelineRun>().AsNoTracking();
        // Distinct pull requests first: the newest-run seek then runs once per PR, not once per run, and SQLite reads
        // the candidates from the small partial index instead of every run of the projects.
        var newestOfCandidates = runs
            .Where(c => ids.Contains(c.ProjectId) && c.PullRequestClosedAt == null && c.MergedSha == null)
            .Select(c => new { c.ProjectId, c.PullRequest }).Distinct()
            .Select(k => runs.Where(x => x.ProjectId == k.ProjectId && x.PullRequest == k.PullRequest).Max(x => x.Id));
        var latest = await runs
            .Where(r => newestOfCandidates.Contains(r.Id) && r.MergedSha == null && r.PullRequestClosedAt == null)
            .Select(r => new { r.ProjectId, r.PullRequest, r.PullRequestUrl, r.PullRequestTitle, r.Status })
            .ToListAsync(cancellationToken);
        return latest.GroupBy(r => r.ProjectId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<OpenPullRequestView>)[.. g.OrderByDescending(r => r.PullRequest)
                .Take(PullRequestsPerProject)
                .Select(r => new OpenPullRequestView(
                    r.ProjectId, r.PullRequest, r.PullRequestUrl, r.PullRequestTitle, StatusBadges.For(r.Status)))]);
    }
}
