using CodegenCicd.Data;
using CodegenCicd.Notifications;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Runs;

/// <summary>
/// Loads and saves runs. Status and attempt are concurrency tokens, so a save based on a stale read
/// (another worker moved the stage, a cancel landed) fails instead of overwriting; callers then stop.
/// Every successful save is published for the admin site's live updates.
/// </summary>
public sealed class PipelineStore(AppDbContext db, LiveEvents live)
{
    public AppDbContext Db => db;

    /// <summary>
    /// The run as the database has it now, tracked. A copy this context read earlier is forgotten first:
    /// effects, jobs and other nodes change runs from their own scopes, and a stale copy would only
    /// lose its guarded save.
    /// </summary>
    public Task<PipelineRun?> FindRunAsync(long runId, CancellationToken cancellationToken)
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity switch
        {
            PipelineRun r => r.Id == runId,
            PipelineStage s => s.RunId == runId,
            Effects.PipelineEffect f => f.RunId == runId,
            _ => false,
        }).ToList())
        {
            entry.State = EntityState.Detached;
        }
        return db.Set<PipelineRun>().Include(r => r.Stages).FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
    }

    public async Task<(PipelineRun Run, PipelineStage Stage)?> FindStageAsync(
        long stageId, CancellationToken cancellationToken)
    {
        var runId = await db.Set<PipelineStage>().Where(s => s.Id == stageId).Select(s => (long?)s.RunId)
            .FirstOrDefaultAsync(cancellationToken);
        var run = runId is null ? null : await FindRunAsync(runId.Value, cancellationToken);
        return run is null ? null : (run, run.Stages.Single(s => s.Id == stageId));
    }

    /// <summary>
    /// Persists tracked changes with the effects they added; false when another worker changed the same
    /// rows first (nothing is written, effects included).
    /// </summary>
    public async Task<bool> TrySaveAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
        Publish(run);
        return true;
    }

    /// <summary>Records a merge commit whatever the run's state (the merge happened on GitHub regardless).</summary>
    public Task RecordMergedShaAsync(long runId, string mergedSha, CancellationToken cancellationToken) =>
        db.Set<PipelineRun>().Where(r => r.Id == runId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.MergedSha, mergedSha), cancellationToken);

    public void Publish(PipelineRun run)
    {
        // Whoever may read the project hears of its runs (LiveEventAudience).
        var audience = LiveEventAudience.OfProject(run.ProjectId);
        live.Publish("run.updated",
            new
            {
                runId = run.Id, projectId = run.ProjectId, pullRequest = run.PullRequest, status = run.Status.ToString()
            },
            audience);
        foreach (var stage in run.Stages)
        {
            live.Publish("stage.updated", new
            {
                runId = run.Id,
                projectId = run.ProjectId,
                stageId = stage.Id,
                stage = stage.Kind.Slug(),
                status = stage.Status.ToString(),
                conclusion = stage.Conclusion?.ToString(),
            }, audience);
        }
    }
}
