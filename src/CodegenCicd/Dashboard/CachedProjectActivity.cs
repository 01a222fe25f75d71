using CodegenCicd.Projects;

namespace CodegenCicd.Dashboard;

/// <summary>
/// <see cref="IProjectActivity"/> for the lists and cards (the dashboard, <c>GET /api/projects</c>): projects whose
/// activity is in <see cref="ProjectActivityCache"/> cost nothing, the rest are read in one batch and kept. A card
/// a live event asks for is read afresh anyway: the write behind the event cleared the cache. A decision
/// (unpinning) reads the database itself.
/// </summary>
public sealed class CachedProjectActivity(ProjectActivityReader reader, ProjectActivityCache cache)
    : IProjectActivity
{
    public Task<ProjectActivity> GetCurrentAsync(int projectId, CancellationToken cancellationToken) =>
        ((IProjectActivity)reader).GetCurrentAsync(projectId, cancellationToken);

    public async Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
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
