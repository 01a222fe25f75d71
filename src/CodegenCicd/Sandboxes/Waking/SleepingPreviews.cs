using CodegenCicd.Cluster;
using CodegenCicd.Sandboxes.Deployments;

namespace CodegenCicd.Sandboxes.Waking;

/// <summary>
/// Answers a preview link whose preview is not running in this process: forwarded to the live node
/// that runs it, woken here when it sleeps (restart, idle sweep, cap, its node gone) and its PR is
/// open, or explained when its PR was closed or moved to another commit.
/// </summary>
public sealed class SleepingPreviews(
    DeploymentStore store,
    ClusterNodes nodes,
    NodeForwarder forwarder,
    PreviewWaker waker,
    IServiceScopeFactory scopes,
    ILogger<SleepingPreviews> logger)
{
    /// <summary>
    /// A <c>/p/{token}/</c> request for a token no preview in this process holds. False: the token was never issued.
    /// </summary>
    public async Task<bool> AnswerTokenAsync(string token, HttpContext context)
    {
        var row = await store.FindByTokenAsync(token, context.RequestAborted);
        if (row is null)
        {
            return false;
        }
        if (row.State == DeploymentState.Running && row.Host != nodes.Self && await TryForwardAsync(row.Host, context))
        {
            return true;
        }
        var target = await FindTargetAsync(row.Repository, row.PullRequest, context.RequestAborted);
        if (target is null)
        {
            return false;
        }
        if (target.ClosedAt is { } closedAt)
        {
            await PreviewPages.ClosedAsync(context, row.Repository, row.PullRequest, target.Merged, closedAt);
            return true;
        }
        if (!string.Equals(target.HeadSha, row.HeadSha, StringComparison.OrdinalIgnoreCase))
        {
            await PreviewPages.SupersededAsync(context, row.Repository, row.PullRequest, row.HeadSha, target.HeadSha,
                PreviewDeployments.PreviewPathOf(row.Repository, row.PullRequest));
            return true;
        }
        await WakeAsync(target, context);
        return true;
    }

    /// <summary>
    /// The stable <c>/preview/{owner}/{repo}/{pr}/</c> link of a PR whose preview is not running in this process.
    /// False: nothing is known of it.
    /// </summary>
    public async Task<bool> AnswerStableAsync(string repository, int pullRequest, string? rest, HttpContext context)
    {
        if (!NodeForwarder.IsForwarded(context.Request)
            && await store.RunningElsewhereAsync(repository, pullRequest, context.RequestAborted) is var (row, token)
            && await nodes.LiveUrlOfAsync(row.Host, context.RequestAborted) is not null)
        {
            // The capability link answers on every node (forwarded to this one's owner); no need to go there first.
            PreviewRedirect.ToCapability(context, token, rest);
            return true;
        }
        var target = await FindTargetAsync(repository, pullRequest, context.RequestAborted);
        if (target is null)
        {
            return false;
        }
        if (target.ClosedAt is { } closedAt)
        {
            await PreviewPages.ClosedAsync(context, repository, pullRequest, target.Merged, closedAt);
            return true;
        }
        if (!target.Deployable)
        {
            return false;
        }
        await WakeAsync(target, context);
        return true;
    }

    private async Task WakeAsync(PreviewTarget target, HttpContext context)
    {
        if (waker.Begin(target) is { } error)
        {
            await PreviewPages.FailedAsync(context, target.Repository, target.PullRequest, error);
            return;
        }
        await PreviewPages.WakingAsync(context, target.Repository, target.PullRequest, target.HeadSha);
    }

    /// <summary>
    /// Forwards to the owning node while it lives; a node that does
    /// not answer is recorded gone, and the preview wakes here.
    /// </summary>
    private async Task<bool> TryForwardAsync(string node, HttpContext context)
    {
        if (NodeForwarder.IsForwarded(context.Request))
        {
            return false; // forwarded once already: never bounce between nodes
        }
        if (await nodes.LiveUrlOfAsync(node, context.RequestAborted) is not { } url)
        {
            await store.StopRowsOfGoneNodeAsync(node, context.RequestAborted);
            return false;
        }
        if (await forwarder.ForwardAsync(context, url))
        {
            return true;
        }
        logger.LogWarning("Node {Node} did not answer a forwarded preview request; treating it as gone", node);
        await nodes.MarkGoneAsync(node, CancellationToken.None);
        await store.StopRowsOfGoneNodeAsync(node, CancellationToken.None);
        return false;
    }

    private async Task<PreviewTarget?> FindTargetAsync(
        string repository, int pullRequest, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var targets = scope.ServiceProvider.GetService<IPreviewTargets>();
        return targets is null ? null : await targets.FindAsync(repository, pullRequest, cancellationToken);
    }
}
