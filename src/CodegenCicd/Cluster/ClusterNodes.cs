using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cluster;

/// <summary>The nodes sharing this database, as the other features ask about them: who is alive and where.</summary>
public sealed class ClusterNodes(IServiceScopeFactory scopes, IOptions<ClusterOptions> options, TimeProvider time)
{
    /// <summary>This node's name, recorded on everything that lives in its memory or on its disk.</summary>
    public string Self => options.Value.Name;

    /// <summary>
    /// Where a live other node answers, or null when it is gone,
    /// silent past the timeout or unreachable by design (no URL).
    /// </summary>
    public async Task<Uri?> LiveUrlOfAsync(string node, CancellationToken cancellationToken)
    {
        if (node == Self)
        {
            return null;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.Set<ClusterNode>().AsNoTracking()
            .FirstOrDefaultAsync(n => n.Name == node, cancellationToken);
        var cutoff = time.GetUtcNow().AddSeconds(-options.Value.NodeTimeoutSeconds);
        return row is { Url: { } url } && row.HeartbeatAt >= cutoff
            && Uri.TryCreate(url, UriKind.Absolute, out var address)
            ? address
            : null;
    }

    /// <summary>A node that did not answer a forwarded request is treated as gone until its next heartbeat.</summary>
    public async Task MarkGoneAsync(string node, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var gone = DateTimeOffset.UnixEpoch;
        await db.Set<ClusterNode>().Where(n => n.Name == node)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.HeartbeatAt, gone), cancellationToken);
    }

    /// <summary>Every known node with whether it is alive, for the Overview.</summary>
    public async Task<IReadOnlyList<(ClusterNode Node, bool Alive)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var cutoff = time.GetUtcNow().AddSeconds(-options.Value.NodeTimeoutSeconds);
        var rows = await db.Set<ClusterNode>().AsNoTracking().ToListAsync(cancellationToken);
        return rows.OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => (n, n.Name == Self || n.HeartbeatAt >= cutoff)).ToList();
    }
}
