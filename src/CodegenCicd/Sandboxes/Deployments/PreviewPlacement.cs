using CodegenCicd.Cluster;
using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// Which node holds a preview's process. Work that browses a preview (web-eval) runs there: on any other
/// node it would find no live process and start a second copy of the same PR's app.
/// </summary>
public sealed class PreviewPlacement(IServiceScopeFactory scopes, ClusterNodes nodes)
{
    /// <summary>
    /// The live other node running deployment <paramref name="deploymentId"/>; null when it runs here, is
    /// stopped (it wakes wherever it is asked for) or its node is gone.
    /// </summary>
    public async Task<string?> LiveElsewhereAsync(int deploymentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var host = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Deployment>().AsNoTracking()
            .Where(d => d.Id == deploymentId && d.State == DeploymentState.Running)
            .Select(d => d.Host).FirstOrDefaultAsync(cancellationToken);
        return host is not null && await nodes.LiveUrlOfAsync(host, cancellationToken) is not null ? host : null;
    }
}
