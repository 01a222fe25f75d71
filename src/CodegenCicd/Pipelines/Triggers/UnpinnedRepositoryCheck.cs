using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Projects;

namespace CodegenCicd.Pipelines.Triggers;

/// <summary>
/// A new head of a pull request (opened, synchronize, reopened, ready_for_review) in a repository nobody pinned
/// starts nothing, so <see cref="PullRequestEventHandler"/> lets it go. Most deliveries of an App installed on a
/// whole organisation are such: intake stores them processed (<see cref="GitHub.Webhooks.Intake.DeliveryTriage"/>),
/// and the handler asks the same question first, for a redelivery. Decided from the delivery's summary alone; the
/// body (20–30 KB) is not parsed.
/// </summary>
public sealed class UnpinnedRepositoryCheck(ProjectLookup projects) : IWebhookIdleCheck
{
    public Type Handler => typeof(PullRequestEventHandler);

    public async ValueTask<bool> IsIdleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        webhookEvent.Event == "pull_request"
        && webhookEvent.Action is "opened" or "synchronize" or "reopened" or "ready_for_review"
        && webhookEvent.RepositoryFullName is { } repository
        && !await projects.IsPinnedAsync(repository, cancellationToken);
}
