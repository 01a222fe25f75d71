using CodegenCicd.Codegen.Runs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;

namespace CodegenCicd.Dashboard;

/// <summary>
/// The dashboard's <see cref="IProjectActivity"/>: composes the pipeline's and Codegen's own read services,
/// so Projects/ never reads their tables. Five queries for any number of projects.
/// </summary>
public sealed class ProjectActivityReader(PipelineActivityQueries pipeline, AgentActivityQueries agents)
    : IProjectActivity
{
    public async Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(
        IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        if (projectIds.Count == 0)
        {
            return new Dictionary<int, ProjectActivity>();
        }
        // One DbContext per scope: the queries run one after another.
        var latest = await pipeline.LatestRunsAsync(projectIds, cancellationToken);
        var open = await pipeline.OpenPullRequestsAsync(projectIds, cancellationToken);
        var active = await agents.ActiveRunsAsync(projectIds, cancellationToken);
        var urls = open.Values.SelectMany(prs => prs).Select(pr => pr.Url).OfType<string>().ToList();
        var titles = await agents.PullRequestTitlesAsync(urls, cancellationToken);

        var result = new Dictionary<int, ProjectActivity>();
        foreach (var id in projectIds.Distinct())
        {
            var run = latest.GetValueOrDefault(id) is { } r
                ? new RunSummary(r.RunId, r.PullRequest, r.HeadSha, r.Status, r.StartedAt,
                    [.. r.Stages.Select(s => new StageBadge(s.Stage, s.Status))], r.PreviewPath, r.IsActive)
                : null;
            IReadOnlyList<PullRequestSummary> prs = open.TryGetValue(id, out var list)
                ? [.. list.Select(pr => new PullRequestSummary(pr.Number,
                    pr.Title ?? (pr.Url is { } url ? titles.GetValueOrDefault(url, "") : ""), pr.Status))]
                : [];
            var agent = active.GetValueOrDefault(id) is { } a
                ? new AgentRunSummary(a.Id, a.Status.Label(), a.Target)
                : null;
            if (run is not null || prs.Count > 0 || agent is not null)
            {
                result[id] = new ProjectActivity(run, prs, agent);
            }
        }
        return result;
    }
}
