using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Projects;

namespace CodegenCicd.Dashboard;

/// <summary>
/// The projects' activity as last read (null: none), kept until anything it is made of may have changed. Every
/// write to a run, stage, agent run or agent pull request made by this node (<see cref="ActivityWriteWatcher"/>)
/// and every project event heard from another node (<see cref="LiveEvents"/>) starts a new generation; see
/// <see cref="GenerationCache{TKey, TValue}"/> for what counts and for how long.
/// </summary>
public sealed class ProjectActivityCache : GenerationCache<int, ProjectActivity?>
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    public ProjectActivityCache(TimeProvider time, LiveEvents live)
        : base(time, MaxAge, capacity: 100_000)
    {
        // Another node's writes reach this one as its events (run.updated, stage.updated, agent-run.updated, …).
        live.OnProjectEvent(Invalidate);
    }

    /// <summary>Keeps what was read for <paramref name="projectIds"/>, unless a write came since <paramref name="ticket"/>.</summary>
    public void Store(ReadTicket ticket, IEnumerable<int> projectIds, IReadOnlyDictionary<int, ProjectActivity> read)
    {
        foreach (var id in projectIds)
        {
            Store(ticket, id, read.GetValueOrDefault(id));
        }
    }
}
