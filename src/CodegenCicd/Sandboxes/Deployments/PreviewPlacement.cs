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
    /// The live node running deployment <paramref name="deploymentId"/>, this one included; null when it is
    /// stopped (it wakes wherever it is asked for) or its node is gone.
    /// </summary>
    public async Task<string?> LiveNodeOfAsync(int deploymentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var host = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Deployment>().AsNoTracking()
            .Where(d => d.Id == deploymentId && d.State == DeploymentState.Running)
            .Select(d => d.Host).FirstOrDefaultAsync(cancellationToken);
        var live = host == nodes.Self
            || (host is not null && await nodes.LiveUrlOfAsync(host, cancellationToken) is not null);
        return live ? host : null;
    }
}
