using CodegenCicd.Pipelines.Comments;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes.Waking;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Previews;

/// <summary>
/// When a PR's preview starts or goes to sleep, its comment says so (live, or asleep and woken by the link).
/// </summary>
internal sealed class PreviewCommentRefresh(IBackgroundJobClient jobs) : IPreviewListener
{
    public Task PreviewChangedAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        // A job, not inline: a teardown at shutdown must not wait on GitHub.
        jobs.Enqueue<PreviewCommentRefreshJob>(j => j.RunAsync(repository, pullRequest, CancellationToken.None));
        return Task.CompletedTask;
    }
}

/// <summary>Re-renders the comment of the PR's latest run (unchanged bodies are not sent again).</summary>
public sealed class PreviewCommentRefreshJob(PipelineStore store, PullRequestComments comments)
{
    public async Task RunAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        var lower = repository.ToLowerInvariant();
        var latest = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Repository.ToLower() == lower && r.PullRequest == pullRequest && r.PreviewPath != null)
            .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
        if (latest is { } id && await store.FindRunAsync(id, cancellationToken) is { } run)
        {
            await comments.UpsertAsync(run, cancellationToken);
        }
    }
}
