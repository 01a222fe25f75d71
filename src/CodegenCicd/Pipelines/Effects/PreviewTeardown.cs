using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Effects;

/// <summary>
/// Tears down the preview of a cancelled run's pull request, or of a closed one. The preview is per
/// pull request: once a newer run of it has started deploying, the preview is that run's, and a late
/// teardown for this one (a retried or long-due effect) leaves it alone.
/// </summary>
public sealed class PreviewTeardown(PipelineStore store, IPreviewDeployments deployments,
    ILogger<PreviewTeardown> logger)
{
    public async Task TearDownAsync(long runId, CancellationToken cancellationToken)
    {
        var runs = store.Db.Set<PipelineRun>().AsNoTracking();
        if (await runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken) is not { } run
            || await runs.AnyAsync(r => r.ProjectId == run.ProjectId && r.PullRequest == run.PullRequest
                && r.Id > run.Id && r.Status != RunStatus.Cancelled
                && r.Stages.Any(s => s.Kind == StageKind.Deploy && s.StartedAt != null), cancellationToken))
        {
            return;
        }
        await deployments.TeardownAsync(run.Repository, run.PullRequest, cancellationToken);
        logger.LogInformation("Preview of {Repository}#{PullRequest} torn down after run {RunId} ({Status})",
            run.Repository, run.PullRequest, run.Id, run.Status);
    }
}
