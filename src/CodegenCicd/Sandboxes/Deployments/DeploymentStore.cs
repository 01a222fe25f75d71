using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>Persists deployments so a restarted app can stop what an earlier process left running.</summary>
public sealed class DeploymentStore(IServiceScopeFactory scopes, SandboxPaths paths, TimeProvider time, ILogger<DeploymentStore> logger)
{
    internal async Task<int> RecordStartAsync(SandboxSource source, int port, int processId, ISandbox sandbox, string? snapshotId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow();
        var row = new Deployment
        {
            Repository = source.Repository,
            PullRequest = source.PullRequest,
            HeadSha = source.HeadSha,
            Host = Environment.MachineName,
            Port = port,
            ProcessId = processId,
            Workspace = sandbox is Local.LocalSandbox local ? local.HostWorkspace : sandbox.Id,
            SnapshotId = snapshotId,
            State = DeploymentState.Running,
            StartedAt = now,
            LastUsedAt = now,
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

    /// <summary>Stops this machine's previews recorded as running that no live process tracks (all of them, at start-up).</summary>
    internal async Task<int> StopOrphansAsync(string? repository, int? pullRequest, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var query = db.Set<Deployment>().Where(d => d.State == DeploymentState.Running && d.Host == Environment.MachineName);
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
            logger.LogInformation("Stopped orphaned preview of {Repository}#{PullRequest}", orphan.Repository, orphan.PullRequest);
        }
        await db.SaveChangesAsync(cancellationToken);
        return orphans.Count;
    }
}

/// <summary>
/// Finds sandbox processes by the workspace they mount, not by a recorded pid: when the app dies,
/// the outer bwrap may die with it while its PID-namespace init lives on (the kernel clears a
/// parent-death signal when bwrap drops privileges), so only the mount argument identifies them.
/// </summary>
internal static class OrphanProcess
{
    /// <summary>Kills every bwrap process (and its descendants) whose command line mounts a path under <paramref name="workspacePrefix"/>.</summary>
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
                    || !args.Any(a => a == workspacePrefix || a.StartsWith(workspacePrefix + "/", StringComparison.Ordinal)))
                {
                    continue;
                }
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                killed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                or System.ComponentModel.Win32Exception)
            {
                // Gone while we looked, or not ours to see.
            }
        }
        return killed;
    }
}
