using CodegenCicd.Projects;

namespace CodegenCicd.Dashboard;

/// <summary>
/// <see cref="IProjectActivity"/> for the lists (the dashboard, <c>GET /api/projects</c>): projects whose activity
/// is in <see cref="ProjectActivityCache"/> cost nothing, the rest are read in one batch and kept. A single
/// project is always read afresh: that is the card a live event asks for, and the check before unpinning, and it
/// costs about a millisecond.
/// </summary>
public sealed class CachedProjectActivity(ProjectActivityReader reader, ProjectActivityCache cache)
    : IProjectActivity
{
    public async Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        if (projectIds.Count <= 1)
        {
            return await reader.GetAsync(projectIds, cancellationToken);
        }
        var result = new Dictionary<int, ProjectActivity>();
        var missing = new List<int>();
        foreach (var id in projectIds.Distinct())
        {
            if (!cache.TryGet(id, out var known))
            {
                missing.Add(id);
            }
            else if (known is not null)
            {
                result[id] = known;
            }
        }
        if (missing.Count == 0)
        {
            return result;
        }
        var ticket = cache.BeginRead();
        var read = await reader.GetAsync(missing, cancellationToken);
        cache.Store(ticket, missing, read);
        foreach (var (id, activity) in read)
        {
            result[id] = activity;
        }
        return result;
    }
}
