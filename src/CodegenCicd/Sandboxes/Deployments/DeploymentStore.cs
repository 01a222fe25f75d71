using CodegenCicd.Cluster;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Persists deployments so a restarted app can stop what an earlier process left running, any node
/// can find a preview by its capability token, and a stopped preview can be woken with the same link.
/// </summary>
public sealed class DeploymentStore(
    IServiceScopeFactory scopes, SandboxPaths paths, ClusterNodes nodes, PreviewTokens tokens, TimeProvider time,
    ILogger<DeploymentStore> logger)
{
    internal async Task<int> RecordStartAsync(SandboxSource source, int port, int processId, ISandbox sandbox,
        string? snapshotId, string token, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var row = new Deployment
        {
            Repository = source.Repository,
            PullRequest = source.PullRequest,
            HeadSha = source.HeadSha,
            Host = nodes.Self,
            Port = port,
            ProcessId = processId,
            Workspace = sandbox is Local.LocalSandbox local ? local.HostWorkspace : sandbox.Id,
            SnapshotId = snapshotId,
            State = DeploymentState.Running,
            StartedAt = now,
            LastUsedAt = now,
            PreviewTokenHash = PreviewTokens.Hash(token),
            ProtectedPreviewToken = tokens.Protect(token),
        };
        db.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row.Id;
    }

    internal async Task RecordStopAsync(int id, string reason, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        await db.Set<Deployment>().Where(d => d.Id == id && d.State == DeploymentState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeploymentState.Stopped)
                .SetProperty(d => d.StopReason, reason).SetProperty(d => d.StoppedAt, now), cancellationToken);
    }

    /// <summary>
    /// Stops this machine's previews recorded as running that no live process tracks (all of them, at start-up).
    /// </summary>
    internal async Task<int> StopOrphansAsync(string? repository, int? pullRequest, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var self = nodes.Self;
        var query = db.Set<Deployment>().Where(d => d.State == DeploymentState.Running && d.Host == self);
        if (repository is not null)
        {
            query = query.Where(d => d.Repository == repository && d.PullRequest == pullRequest);
        }
        var orphans = await query.ToListAsync(cancellationToken);
        foreach (var orphan in orphans)
        {
            if (orphan.Workspace.StartsWith(paths.Workspaces + "/", StringComparison.Ordinal))
            {
                OrphanProcess.KillSandboxesUnder(orphan.Workspace);
                await Local.WorkspacePaths.DeleteAsync(orphan.Workspace);
            }
            orphan.State = DeploymentState.Stopped;
            orphan.StopReason = "orphaned by a restart";
            orphan.StoppedAt = time.GetUtcNow();
            logger.LogInformation("Stopped orphaned preview of {Repository}#{PullRequest}",
                orphan.Repository, orphan.PullRequest);
        }
        await db.SaveChangesAsync(cancellationToken);
        return orphans.Count;
    }

    /// <summary>
    /// The capability token of the PR's last deployment of this head: a woken or redeployed preview keeps its link.
    /// </summary>
    internal async Task<string?> TokenForAsync(
        string repository, int pullRequest, string headSha, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var lower = repository.ToLowerInvariant();
        var protectedToken = await db.Set<Deployment>().AsNoTracking()
            .Where(d => d.Repository.ToLower() == lower && d.PullRequest == pullRequest && d.HeadSha == headSha
                && d.ProtectedPreviewToken != null)
            .OrderByDescending(d => d.Id).Select(d => d.ProtectedPreviewToken).FirstOrDefaultAsync(cancellationToken);
        return protectedToken is null ? null : tokens.Unprotect(protectedToken);
    }

    /// <summary>
    /// The capability link path (<c>/p/{token}/</c>) of the PR's preview of this head, to share with
    /// people outside the team; null when no preview of it was ever deployed.
    /// </summary>
    public async Task<string?> CapabilityPathAsync(
        string repository, int pullRequest, string headSha, CancellationToken cancellationToken) =>
        await TokenForAsync(repository, pullRequest, headSha, cancellationToken) is { } token
            ? PreviewCapability.PrefixOf(token) + "/"
            : null;

    /// <summary>
    /// The latest deployment a capability token was given to, on any node; null for a token never issued.
    /// </summary>
    internal async Task<Deployment?> FindByTokenAsync(string token, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var hash = PreviewTokens.Hash(token);
        return await db.Set<Deployment>().AsNoTracking().Where(d => d.PreviewTokenHash == hash)
            .OrderByDescending(d => d.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The PR's newest deployment recorded as running on another node, with its token, or null.</summary>
    internal async Task<(Deployment Row, string Token)?> RunningElsewhereAsync(
        string repository, int pullRequest, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var lower = repository.ToLowerInvariant();
        var self = nodes.Self;
        var row = await db.Set<Deployment>().AsNoTracking()
            .Where(d => d.Repository.ToLower() == lower && d.PullRequest == pullRequest
                && d.State == DeploymentState.Running && d.Host != self
                && d.ProtectedPreviewToken != null)
            .OrderByDescending(d => d.Id).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (row, tokens.Unprotect(row.ProtectedPreviewToken!));
    }

    /// <summary>
    /// Whether the PR's preview runs on some node (this one or another), for the PR comment's live/asleep.
    /// </summary>
    public async Task<bool> IsRunningAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var lower = repository.ToLowerInvariant();
        return await db.Set<Deployment>().AnyAsync(d => d.Repository.ToLower() == lower
                && d.PullRequest == pullRequest && d.State == DeploymentState.Running,
            cancellationToken);
    }

    /// <summary>
    /// A node that is gone stops nothing itself: its previews are recorded stopped so they wake elsewhere.
    /// </summary>
    internal async Task StopRowsOfGoneNodeAsync(string node, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var stopped = await db.Set<Deployment>().Where(d => d.Host == node && d.State == DeploymentState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeploymentState.Stopped)
                .SetProperty(d => d.StopReason, "its node is gone").SetProperty(d => d.StoppedAt, now),
                cancellationToken);
        if (stopped > 0)
        {
            logger.LogWarning("Node {Node} is gone: {Count} of its preview(s) will wake where they are next asked for",
                node, stopped);
        }
    }
}

/// <summary>
/// Finds sandbox processes by the workspace they mount, not by a recorded pid: when the app dies,
/// the outer bwrap may die with it while its PID-namespace init lives on (the kernel clears a
/// parent-death signal when bwrap drops privileges), so only the mount argument identifies them.
/// </summary>
internal static class OrphanProcess
{
    /// <summary>
    /// Kills every bwrap process (and its descendants) whose command line mounts a path under <paramref
    /// name="workspacePrefix"/>.
    /// </summary>
    public static int KillSandboxesUnder(string workspacePrefix)
    {
        var killed = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var args = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                if (args.Length == 0 || Path.GetFileName(args[0]) != "bwrap"
                    || !args.Any(a => a == workspacePrefix
                        || a.StartsWith(workspacePrefix + "/", StringComparison.Ordinal)))
                {
                    continue;
                }
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                killed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException
                or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone while we looked, or not ours to see.
            }
        }
        return killed;
    }
}
