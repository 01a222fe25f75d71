using System.Text.RegularExpressions;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Api;

/// <summary>
/// One page of runs as the lists show it (<c>GET /api/runs</c>, the runs page), and its JSON answer once the API
/// has made it. Shared by every request for the same page while it is cached: nothing changes it after it is read.
/// </summary>
public sealed class RunsPage(IReadOnlyList<PipelineRun> runs)
{
    private byte[]? json;

    public IReadOnlyList<PipelineRun> Runs => runs;

    /// <summary>
    /// The page as the API answers it, made once. Two requests racing here both make the same bytes; either is kept.
    /// </summary>
    public byte[] Json(Func<IReadOnlyList<PipelineRun>, byte[]> serialize) => json ??= serialize(runs);
}

/// <summary>
/// Pages of runs as last read, until a run or a stage may have changed: every write to them on this node
/// (<see cref="RunWriteWatcher"/>) and every project event from another node clears it
/// (<see cref="GenerationCache{TKey, TValue}"/>). A list asked for again (a dashboard polling, several people on
/// one page) then costs no query and no serialisation: <c>GET /api/runs</c> on 100,000 runs went from
/// 17–27 ms to about 1 ms p50 (docs/development.md).
/// </summary>
public sealed class RunsPageCache : GenerationCache<RunsPageCache.Key, RunsPage>
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    /// <summary>Pages longer than the default are read afresh: 32 of them hold at most a few megabytes.</summary>
    public const int LongestKept = RunsQuery.PageSize;

    public RunsPageCache(TimeProvider time, LiveEvents live)
        : base(time, MaxAge, capacity: 32)
    {
        live.OnProjectEvent(Invalidate);
    }

    /// <summary>What tells one page from another: the filters, the page, and the projects the person may see.</summary>
    public sealed record Key(
        int? ProjectId, RunStatus? Status, int? PullRequest, long? Before, int Limit, string? Visible)
    {
        public static Key Of(RunFilter filter) => new(
            filter.ProjectId, filter.Status, filter.PullRequest, filter.Before, filter.Limit, KeyOf(filter.Visible));
    }
}

/// <summary>Clears <see cref="RunsPageCache"/> after every committed write to runs or stages.</summary>
public sealed class RunWriteWatcher(RunsPageCache cache) : TableWriteWatcher(Writes, cache.Invalidate)
{
    private static readonly Regex Writes = WritesTo([nameof(PipelineRun), nameof(PipelineStage)]);
}

/// <summary>Pages of runs for the lists: from <see cref="RunsPageCache"/> when nothing was written since.</summary>
public sealed class RunsPages(AppDbContext db, RunsPageCache cache)
{
    public Task<RunsPage> GetAsync(RunFilter filter, CancellationToken cancellationToken) =>
        cache.GetOrReadAsync(RunsPageCache.Key.Of(filter),
            async () => new RunsPage(await RunsQuery.ListAsync(db, filter, cancellationToken)),
            keep: filter.Limit <= RunsPageCache.LongestKept);
}
