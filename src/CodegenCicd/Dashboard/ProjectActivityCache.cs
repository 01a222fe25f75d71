using System.Collections.Concurrent;
using CodegenCicd.Notifications;
using CodegenCicd.Projects;

namespace CodegenCicd.Dashboard;

/// <summary>
/// The projects' activity as last read, kept until anything it is made of may have changed. Every write to a run,
/// stage, agent run or agent pull request made by this node (<see cref="ActivityWriteWatcher"/>) and every project
/// event heard from another node (<see cref="LiveEvents"/>) starts a new generation; an entry counts
/// only in the generation it was read in, and for at most <see cref="MaxAge"/>, which bounds what a write nobody
/// announced (another node's, without an event) can leave stale. A read that overlapped a write is not kept: it
/// may have seen the database before the commit.
/// </summary>
public sealed class ProjectActivityCache
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<int, Entry> entries = new();
    private readonly TimeProvider time;
    private long generation;

    public ProjectActivityCache(TimeProvider time, LiveEvents live)
    {
        this.time = time;
        // Another node's writes reach this one as its events (run.updated, stage.updated, agent-run.updated, …).
        live.Delivering += item =>
        {
            if (item.Audience.ProjectId is not null)
            {
                Invalidate();
            }
        };
    }

    private long Generation => Interlocked.Read(ref generation);

    /// <summary>Take it before reading the database; hand it to <see cref="Store"/> with what was read.</summary>
    public ReadTicket BeginRead() => new(Generation, time.GetUtcNow());

    /// <summary>Everything cached so far may be stale.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }

    /// <summary>A project's activity (null: none) if it was read in this generation, less than MaxAge ago.</summary>
    public bool TryGet(int projectId, out ProjectActivity? activity)
    {
        if (entries.TryGetValue(projectId, out var entry) && entry.Generation == Generation
            && time.GetUtcNow() - entry.ReadAt < MaxAge)
        {
            activity = entry.Activity;
            return true;
        }
        activity = null;
        return false;
    }

    /// <summary>Keeps what was read for <paramref name="projectIds"/>, unless a write came since <paramref name="ticket"/>.</summary>
    public void Store(ReadTicket ticket, IEnumerable<int> projectIds, IReadOnlyDictionary<int, ProjectActivity> read)
    {
        var (readGeneration, readAt) = ticket;
        foreach (var id in projectIds)
        {
            // Checked per entry: an Invalidate between the check and the write leaves an entry of an old
            // generation, which TryGet refuses.
            if (readGeneration != Generation)
            {
                return;
            }
            entries[id] = new Entry(read.GetValueOrDefault(id), readGeneration, readAt);
        }
    }

    /// <summary>When a read began: the generation it belongs to and the time its entries age from.</summary>
    public readonly record struct ReadTicket(long Generation, DateTimeOffset At);

    private sealed record Entry(ProjectActivity? Activity, long Generation, DateTimeOffset ReadAt);
}
