using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Triggers;

/// <summary>
/// <c>pull_request</c>: new heads start runs (drafts wait), closing cancels and tears down, and
/// label or review changes wake a merge gate that waits. <c>pull_request_review</c> does the latter.
/// </summary>
public sealed class PullRequestEventHandler(PipelineStarter starter, PipelineStore store, RunControl control) : IWebhookEventHandler
{
    public IReadOnlyCollection<string> Events { get; } = ["pull_request", "pull_request_review"];

    public async Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var payload = webhookEvent.Payload;
        if (!payload.TryGetProperty("pull_request", out var pullRequest) || !payload.TryGetProperty("repository", out var repository))
        {
            return;
        }
        var pr = PullRequestRef.FromPullRequest(pullRequest, repository, webhookEvent.InstallationId);
        var action = webhookEvent.Action ?? "";
        if (webhookEvent.Event == "pull_request" && action is "opened" or "synchronize" or "reopened" or "ready_for_review")
        {
            await starter.StartAsync(pr, $"pull_request.{action}", webhookEvent.DeliveryId, cancellationToken);
        }
        else if (webhookEvent.Event == "pull_request" && action == "closed")
        {
            await CloseAsync(pr, cancellationToken);
        }
        else if (action is "labeled" or "unlabeled" or "submitted" or "dismissed" or "edited" or "converted_to_draft")
        {
            await WakeWaitingRunsAsync(store, control, pr.Repository, pr.Number, cancellationToken);
        }
    }

    private async Task CloseAsync(PullRequestRef pr, CancellationToken cancellationToken)
    {
        if (await starter.FindProjectAsync(pr.Repository, cancellationToken) is not { } project)
        {
            return;
        }
        await starter.SupersedeAsync(project.Id, pr.Number, keepSha: null, PipelineActivityQueries.ClosedReason, cancellationToken);
        // A reopened PR is validated again, even at the same head.
        await store.Db.Set<PipelineRun>().Where(r => r.ProjectId == project.Id && r.PullRequest == pr.Number && r.ActiveKey != null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ActiveKey, (string?)null), cancellationToken);
    }

    public static async Task WakeWaitingRunsAsync(PipelineStore store, RunControl control, string repository, int pullRequest, CancellationToken cancellationToken)
    {
        var waiting = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Repository.ToLower() == repository.ToLower() && r.PullRequest == pullRequest && r.Status == RunStatus.Waiting)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in waiting)
        {
            await control.ReevaluateMergeAsync(id, cancellationToken);
        }
    }
}
