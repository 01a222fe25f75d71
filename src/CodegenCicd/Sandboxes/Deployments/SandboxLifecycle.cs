namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// At start-up: stops previews an earlier process left running and clears half-made workspaces
/// (the TTL sweep is <see cref="PreviewSweeper"/>). At shutdown: stops every preview, so none outlives the app.
/// </summary>
internal sealed class SandboxLifecycle(
    DeploymentStore store,
    DeploymentRegistry registry,
    IServiceProvider services,
    SandboxPaths paths,
    ILogger<SandboxLifecycle> logger) : IHostedService
{
    private IPreviewDeployments? deployments;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Taken now, not at shutdown: the host may be stopped twice at once (the app's own Run and
        // its test host, or a signal during a stop), and the second stop can dispose the service
        // provider while the first is still stopping previews.
        deployments = services.GetRequiredService<IPreviewDeployments>();
        try
        {
            var stopped = await store.StopOrphansAsync(null, null, cancellationToken);
            if (stopped > 0)
            {
                logger.LogInformation("Stopped {Count} preview(s) left by an earlier run", stopped);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may not be migrated yet on a first start; orphans are retried per PR at teardown.
            logger.LogWarning(ex, "Could not check for orphaned previews");
        }
        // Nothing in these folders is in use before this process starts sandboxes: any sandbox
        // still running over one was left by an earlier process (a crash, a kill -9).
        if (OrphanProcess.KillSandboxesUnder(paths.Workspaces) is > 0 and var killed)
        {
            logger.LogInformation("Killed {Count} sandbox(es) left running by an earlier run", killed);
        }
        foreach (var folder in new[] { paths.Workspaces, paths.Checkouts })
        {
            if (Directory.Exists(folder))
            {
                foreach (var leftover in Directory.EnumerateDirectories(folder))
                {
                    await Local.WorkspacePaths.DeleteAsync(leftover);
                }
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (deployments is null)
        {
            return;
        }
        foreach (var deployment in registry.All)
        {
            try
            {
                await deployments.TeardownAsync(deployment.Repository, deployment.PullRequest, CancellationToken.None);
            }
            catch (Exception ex)
                when (ex is ObjectDisposedException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The preview's processes are stopped before any bookkeeping; keep stopping the others.
                logger.LogWarning(ex, "Teardown of {Repository}#{PullRequest} at shutdown was incomplete",
                    deployment.Repository, deployment.PullRequest);
            }
        }
    }
}
