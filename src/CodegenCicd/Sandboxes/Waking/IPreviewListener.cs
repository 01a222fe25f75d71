namespace CodegenCicd.Sandboxes.Waking;

/// <summary>Told when a PR's preview starts or stops (the PR comment says whether it is live or asleep).</summary>
public interface IPreviewListener
{
    Task PreviewChangedAsync(string repository, int pullRequest, CancellationToken cancellationToken);
}

/// <summary>
/// Tells every <see cref="IPreviewListener"/>; a listener's failure never fails a deploy or a teardown.
/// </summary>
public sealed class PreviewListeners(IServiceScopeFactory scopes, ILogger<PreviewListeners> logger)
{
    public async Task PreviewChangedAsync(string repository, int pullRequest)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var listener in scope.ServiceProvider.GetServices<IPreviewListener>())
            {
                await listener.PreviewChangedAsync(repository, pullRequest, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("A preview listener failed for {Repository}#{PullRequest}: {Reason}",
                repository, pullRequest, e.Message);
        }
    }
}
