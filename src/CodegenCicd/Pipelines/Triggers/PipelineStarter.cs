using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Triggers;

/// <summary>
/// Starts a run for (repository, PR, head SHA) and supersedes the PR's runs of older heads. A second
/// event for the same head (a redelivery, opened racing synchronize) finds the run already there:
/// the unique active key lets exactly one insert win.
/// </summary>
public sealed class PipelineStarter(
    PipelineStore store, ProjectLookup projects, RunControl control, EffectProcessor effects, TimeProvider time,
    ILogger<PipelineStarter> logger)
{
    public async Task<PipelineRun?> StartAsync(PullRequestRef pr, string trigger, string? deliveryId,
        CancellationToken cancellationToken)
    {
        var db = store.Db;
        var project = await FindProjectAsync(pr.Repository, cancellationToken);
        if (project is null)
        {
            logger.LogInformation("{Repository} is not a pinned project; no pipeline for PR {PullRequest}",
                pr.Repository, pr.Number);
            return null;
        }
        if (deliveryId is not null && await db.Set<PipelineRun>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.DeliveryId == deliveryId, cancellationToken) is { } redelivered)
        {
            return redelivered;
        }
        await SupersedeAsync(project.Id, pr.Number, pr.HeadSha,
            $"superseded by a new head {pr.HeadSha[..Math.Min(7, pr.HeadSha.Length)]}", cancellationToken);
        if (pr.Draft)
        {
            logger.LogInformation("PR {Repository}#{PullRequest} is a draft; its pipeline waits for ready_for_review",
                pr.Repository, pr.Number);
            return null;
        }
        var key = PipelineRun.ActiveKeyFor(project.Id, pr.Number, pr.HeadSha);
        if (await db.Set<PipelineRun>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.ActiveKey == key, cancellationToken) is { } existing)
        {
            return existing;
        }
        var now = time.GetUtcNow();
        var run = new PipelineRun
        {
            ProjectId = project.Id,
            Repository = project.FullName,
            PullRequest = pr.Number,
            HeadSha = pr.HeadSha,
            HeadBranch = pr.HeadBranch,
            BaseBranch = pr.BaseBranch,
            PullRequestUrl = pr.Url,
            PullRequestTitle = Truncate(pr.Title)
                ?? await LastKnownTitleAsync(project.Id, pr.Number, cancellationToken),
            CloneUrl = pr.CloneUrl,
            FromFork = pr.FromFork,
            AuthorLogin = pr.Author,
            AuthorAssociation = pr.AuthorAssociation,
            InstallationId = pr.InstallationId ?? project.InstallationId,
            Trigger = trigger,
            DeliveryId = deliveryId,
            ActiveKey = key,
            Status = RunStatus.Queued,
            CreatedAt = now,
            Stages = [.. Enum.GetValues<StageKind>()
                .Select(kind => new PipelineStage { Kind = kind, Status = StageStatus.Pending })],
        };
        // Saved with the run: its preparation is not lost if this process dies before starting it.
        run.Advance(now);
        db.Add(run);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another event for the same head inserted its run first; any other failure is a real error.
            db.ChangeTracker.Clear();
            if (await db.Set<PipelineRun>().AsNoTracking()
                .FirstOrDefaultAsync(r => r.ActiveKey == key, cancellationToken) is { } raced)
            {
                return raced;
            }
            throw;
        }
        store.Publish(run);
        await effects.ProcessRunAsync(run.Id, cancellationToken);
        logger.LogInformation("Run {RunId} started for {Repository}#{PullRequest} at {HeadSha} ({Trigger})",
            run.Id, run.Repository, run.PullRequest, run.HeadSha, trigger);
        return run;
    }

    /// <summary>
    /// Cancels the PR's unfinished runs of other heads; their check runs end cancelled and the deployment goes.
    /// </summary>
    public async Task SupersedeAsync(int projectId, int pullRequest, string? keepSha, string reason,
        CancellationToken cancellationToken)
    {
        var stale = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.ProjectId == projectId && r.PullRequest == pullRequest && r.HeadSha != keepSha)
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running || r.Status == RunStatus.Waiting
                || r.Status == RunStatus.AwaitingApproval)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in stale)
        {
            // Now, not in a job: the preview must be gone before the new head's run deploys.
            await control.CancelAsync(id, reason, teardown: true, FollowUp.Inline, cancellationToken);
        }
    }

    public Task<Project?> FindProjectAsync(string repository, CancellationToken cancellationToken) =>
        projects.FindPinnedAsync(repository, cancellationToken);

    private Task<string?> LastKnownTitleAsync(int projectId, int pullRequest, CancellationToken cancellationToken) =>
        store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.ProjectId == projectId && r.PullRequest == pullRequest && r.PullRequestTitle != null)
            .OrderByDescending(r => r.Id).Select(r => r.PullRequestTitle).FirstOrDefaultAsync(cancellationToken);

    private static string? Truncate(string? title) => title is { Length: > 256 } ? title[..256] : title;
}
