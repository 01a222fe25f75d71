using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Triggers;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Control;

/// <summary>A new run, or why there is none.</summary>
public sealed record RestartResult(long? NewRunId, string? Refusal);

/// <summary>
/// "Re-run" on a cancelled run. A cancelled run stays cancelled (its check runs said so on GitHub),
/// so the same head gets a new run, as a push would start, unless a newer run of the pull request
/// replaced it or the pull request is closed.
/// </summary>
public sealed class CancelledRunRestart(PipelineStore store, PipelineStarter starter)
{
    public async Task<RestartResult> RestartAsync(long runId, CancellationToken cancellationToken)
    {
        var db = store.Db;
        if (await db.Set<PipelineRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
            is not { Status: RunStatus.Cancelled } run)
        {
            return new RestartResult(null, "Only a cancelled run is restarted as a new run.");
        }
        if (await db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.ProjectId == run.ProjectId && r.PullRequest == run.PullRequest && r.Id > run.Id)
            .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken) is { } newer)
        {
            return new RestartResult(null, $"Run #{newer} of this pull request replaced it; re-run that one.");
        }
        if (run.PullRequestClosedAt is not null)
        {
            return new RestartResult(null, "The pull request is closed; reopen it to run the pipeline again.");
        }
        var pr = new PullRequestRef(run.Repository, run.InstallationId, run.PullRequest, run.HeadSha, run.HeadBranch,
            run.BaseBranch, run.PullRequestUrl, run.CloneUrl, Draft: false, run.FromFork, run.PullRequestTitle);
        return await starter.StartAsync(pr, $"re-run of cancelled run #{run.Id}", deliveryId: null, cancellationToken)
            is { } started
            ? new RestartResult(started.Id, null)
            : new RestartResult(null, "The repository is no longer a pinned project.");
    }
}
