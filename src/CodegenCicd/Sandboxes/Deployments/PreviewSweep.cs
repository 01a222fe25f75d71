using CodegenCicd.Sandboxes.Snapshots;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Tears down this node's previews unused for <c>Sandbox:PreviewTtlMinutes</c> (and those whose
/// server died), evicts old snapshots and deletes old logs. Safe to run twice. Run by
/// <see cref="PreviewSweeper"/> on every node.
/// </summary>
public sealed class PreviewSweep(
    IPreviewDeployments deployments,
    DeploymentRegistry registry,
    SnapshotStore snapshots,
    SandboxPaths paths,
    IOptions<SandboxOptions> options,
    TimeProvider time,
    ILogger<PreviewSweep> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ttl = TimeSpan.FromMinutes(options.Value.PreviewTtlMinutes);
        foreach (var deployment in registry.All)
        {
            if (now - deployment.LastUsedAt > ttl || deployment.Process.HasExited)
            {
                logger.LogInformation("Sweeping preview of {Repository}#{PullRequest} (idle since {LastUsed})",
                    deployment.Repository, deployment.PullRequest, deployment.LastUsedAt);
                await deployments.TeardownAsync(deployment.Repository, deployment.PullRequest, cancellationToken);
            }
        }
        await snapshots.EvictAsync(cancellationToken);
        DeleteOldLogs(now - TimeSpan.FromDays(options.Value.SnapshotMaxAgeDays));
    }

    private void DeleteOldLogs(DateTimeOffset cutoff)
    {
        if (!Directory.Exists(paths.Logs))
        {
            return;
        }
        foreach (var log in new DirectoryInfo(paths.Logs).EnumerateFiles("*.log"))
        {
            if (log.LastWriteTimeUtc < cutoff.UtcDateTime)
            {
                log.Delete();
            }
        }
    }
}
