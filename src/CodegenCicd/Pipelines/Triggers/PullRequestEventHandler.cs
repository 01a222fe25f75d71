using System.Text.Json;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Triggers;

/// <summary>
/// <c>pull_request</c>: new heads start runs (drafts wait), closing cancels and tears the preview down, and
/// label or review changes wake a merge gate that waits. <c>pull_request_review</c> does the latter.
/// A close caused by the merge gate's own merge leaves that run to finish and record the merge.
/// Closing and reopening are recorded on the PR's runs, so the dashboard knows which PRs are open
/// even when the PR closed after its last run finished.
/// </summary>
public sealed class PullRequestEventHandler(
    PipelineStarter starter, PipelineStore store, RunControl control, EffectProcessor effects,
    IGitHubAppClients clients, UnpinnedRepositoryCheck unpinned, TimeProvider time,
    ILogger<PullRequestEventHandler> logger)
    : IWebhookEventHandler
{
    public IReadOnlyCollection<string> Events { get; } = ["pull_request", "pull_request_review"];

    public async Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var action = webhookEvent.Action ?? "";
        if (await unpinned.IsIdleAsync(webhookEvent, cancellationToken))
        {
            // Usually settled at intake; a redelivery, or a project unpinned since it arrived, comes here.
            logger.LogInformation("{Repository} is not a pinned project; no pipeline for its pull request",
                webhookEvent.RepositoryFullName);
            return;
        }
        var payload = webhookEvent.Payload;
        if (!payload.TryGetProperty("pull_request", out var pullRequest)
            || !payload.TryGetProperty("repository", out var repository))
        {
            return;
        }
        var pr = PullRequestRef.FromPullRequest(pullRequest, repository, webhookEvent.InstallationId);
        if (webhookEvent.Event == "pull_request"
            && action is "opened" or "synchronize" or "reopened" or "ready_for_review")
        {
            if (action == "reopened" && await starter.FindProjectAsync(pr.Repository, cancellationToken) is { } project)
            {
                // Whether or not a run starts (a reopened draft starts none), the PR is open again.
                await MarkClosedAsync(project.Id, pr.Number, closedAt: null, cancellationToken);
            }
            await starter.StartAsync(pr, $"pull_request.{action}", webhookEvent.DeliveryId, cancellationToken);
        }
        else if (webhookEvent.Event == "pull_request" && action == "closed")
        {
            var merged = pullRequest.TryGetProperty("merged", out var flag) && flag.ValueKind == JsonValueKind.True;
            await CloseAsync(pr, merged, cancellationToken);
        }
        else if (action is "labeled" or "unlabeled" or "submitted" or "dismissed" or "edited" or "converted_to_draft")
        {
            await control.ReevaluateWaitingAsync(pr.Repository, pr.Number, cancellationToken);
        }
    }

    /// <summary>
    /// The one place a close is handled: GitHub is asked once whether the PR was reopened since, the
    /// PR's unfinished runs stop, and its preview goes with a single teardown.
    /// </summary>
    private async Task CloseAsync(PullRequestRef pr, bool merged, CancellationToken cancellationToken)
    {
        var project = await starter.FindProjectAsync(pr.Repository, cancellationToken);
        // Whatever the project's state now (unpinned since?), a preview a run of the PR deployed goes.
        var runs = store.Db.Set<PipelineRun>().AsNoTracking().Where(r => r.PullRequest == pr.Number);
        runs = project is null
            ? runs.Where(r => r.Repository.ToLower() == pr.Repository.ToLower())
            : runs.Where(r => r.ProjectId == project.Id);
        var newest = await runs.OrderByDescending(r => r.Id).Select(r => (long?)r.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (newest is null
            || await PullRequestReopenCheck.ReopenedSinceCloseAsync(clients,
                pr.InstallationId ?? project?.InstallationId, pr.Repository, pr.Number, merged, logger))
        {
            return;
        }
        if (project is not null)
        {
            // The merge gate merged this head and is finishing: cancelling it now would lose the merge
            // it is about to record. Every other unfinished run stops.
            var merging = merged ? await MergingRunsAsync(project.Id, pr, cancellationToken) : [];
            foreach (var id in (await UnfinishedRunsAsync(project.Id, pr.Number, cancellationToken)).Except(merging))
            {
                await control.CancelAsync(id, PipelineActivityQueries.ClosedReason, teardown: false, FollowUp.Inline,
                    cancellationToken);
            }
            // A reopened PR is validated again, even at the same head.
            await store.Db.Set<PipelineRun>()
                .Where(r => r.ProjectId == project.Id && r.PullRequest == pr.Number && r.ActiveKey != null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.ActiveKey, (string?)null), cancellationToken);
            await MarkClosedAsync(project.Id, pr.Number, time.GetUtcNow(), cancellationToken);
        }
        if (await store.FindRunAsync(newest.Value, cancellationToken) is { } run)
        {
            run.TearDownPreview(time.GetUtcNow());
            if (await store.TrySaveAsync(run, cancellationToken))
            {
                await effects.ProcessRunAsync(run.Id, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Records on every run of the PR that it is closed (<paramref name="closedAt"/>) or open again (null).
    /// </summary>
    private Task MarkClosedAsync(int projectId, int pullRequest, DateTimeOffset? closedAt,
        CancellationToken cancellationToken) =>
        store.Db.Set<PipelineRun>().Where(r => r.ProjectId == projectId && r.PullRequest == pullRequest)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.PullRequestClosedAt, closedAt), cancellationToken);

    /// <summary>Unfinished runs of the merged head whose merge gate merged it or is deciding about it.</summary>
    private Task<List<long>> MergingRunsAsync(int projectId, PullRequestRef pr, CancellationToken cancellationToken) =>
        store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.ProjectId == projectId && r.PullRequest == pr.Number && r.HeadSha == pr.HeadSha
                && r.Status == RunStatus.Running)
            .Where(r => r.MergeAttemptSha == pr.HeadSha
                || r.Stages.Any(s => s.Kind == StageKind.Merge && s.Status == StageStatus.InProgress))
            .Select(r => r.Id).ToListAsync(cancellationToken);

    private Task<List<long>> UnfinishedRunsAsync(int projectId, int pullRequest, CancellationToken cancellationToken) =>
        store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.ProjectId == projectId && r.PullRequest == pullRequest)
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running || r.Status == RunStatus.Waiting
                || r.Status == RunStatus.AwaitingApproval)
            .Select(r => r.Id).ToListAsync(cancellationToken);
}
