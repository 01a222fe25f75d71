using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Waking;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Previews;

/// <summary>
/// Answers the sandboxes' question "what should this PR's preview be?" from the PR's latest run:
/// its head commit (the PR's head as last pushed), whether GitHub said it closed, and the run's
/// effective deploy configuration and source, so a woken preview is what the pipeline deployed.
/// </summary>
internal sealed class PreviewTargets(PipelineStore store, IServiceScopeFactory scopes) : IPreviewTargets
{
    public async Task<PreviewTarget?> FindAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        var lower = repository.ToLowerInvariant();
        var runs = store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Repository.ToLower() == lower && r.PullRequest == pullRequest);
        var latest = await runs.OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return null;
        }
        var merged = latest.PullRequestClosedAt is not null
            && await runs.AnyAsync(r => r.MergedSha != null, cancellationToken);
        var config = StageContextFactory.ReadConfig(latest);
        return new PreviewTarget(
            latest.Repository, latest.PullRequest, latest.HeadSha, latest.PullRequestClosedAt, merged,
            Deployable: latest.ConfigJson is not null && !string.IsNullOrWhiteSpace(config.Deploy.Start),
            Deploy: async ct => (await SourceAsync(latest, ct), config.Deploy));
    }

    /// <summary>
    /// As the deploy stage builds it: a fork's code never sees the
    /// project's secrets. Its own scope: the wake outlives the request.
    /// </summary>
    private async Task<SandboxSource> SourceAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var secrets = run.FromFork ? new Dictionary<string, string>()
            : await scope.ServiceProvider.GetRequiredService<ProjectSecrets>()
                .GetValuesAsync(run.ProjectId, cancellationToken);
        return new(run.ProjectId, run.Repository, run.PullRequest, run.HeadSha, new Uri(run.CloneUrl),
            run.InstallationId, secrets, run.FromFork);
    }
}
