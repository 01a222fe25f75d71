using CodegenCicd.Data;
using CodegenCicd.Hosting.Retention;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Prunes what previews leave behind: their server logs on this node's disk and the records of long-stopped previews.
/// </summary>
public sealed class PreviewRetention(
    IServiceScopeFactory scopes, SandboxPaths paths, DeploymentRegistry registry, ILogger<PreviewRetention> logger)
{
    /// <summary>
    /// Deletes server logs past the cutoff or beyond the cap, never a running preview's; returns how many went.
    /// </summary>
    public int PruneLogs(DateTimeOffset cutoff, long maxBytes)
    {
        var inUse = registry.All.Select(d => d.LogPath).ToHashSet(StringComparer.Ordinal);
        var chosen = FolderPruner.Choose(Logs().Where(l => !inUse.Contains(l.Path)).ToList(), cutoff, maxBytes);
        foreach (var log in chosen)
        {
            File.Delete(log.Path);
        }
        if (chosen.Count > 0)
        {
            logger.LogInformation("Pruned {Count} preview log(s)", chosen.Count);
        }
        return chosen.Count;
    }

    public long LogBytes() => Logs().Sum(l => l.Bytes);

    /// <summary>Deletes the records of previews stopped before <paramref name="cutoff"/>.</summary>
    public async Task<int> PruneStoppedAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var total = 0;
        var after = 0;
        while (true)
        {
            // SQLite cannot compare DateTimeOffset columns in SQL: the age is checked here, a batch at a time.
            var batch = await db.Set<Deployment>().AsNoTracking()
                .Where(d => d.Id > after && d.State == DeploymentState.Stopped)
                .OrderBy(d => d.Id).Take(500).Select(d => new { d.Id, d.StoppedAt }).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return total;
            }
            var expired = batch.Where(d => d.StoppedAt < cutoff).Select(d => d.Id).ToList();
            if (expired.Count > 0)
            {
                total += await db.Set<Deployment>()
                    .Where(d => expired.Contains(d.Id) && d.State == DeploymentState.Stopped)
                    .ExecuteDeleteAsync(cancellationToken);
            }
            after = batch[^1].Id;
        }
    }

    private IEnumerable<PrunableItem> Logs() =>
        Directory.Exists(paths.Logs)
            ? new DirectoryInfo(paths.Logs).EnumerateFiles("*.log")
                .Select(f => new PrunableItem(f.FullName, f.Length,
                    new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)))
            : [];
}
