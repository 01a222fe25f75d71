using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Jobs;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cluster;

public static class ClusterExtensions
{
    /// <summary>This node's registration and heartbeat in the shared database (see README, "Several nodes").</summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<ClusterOptions>();
        builder.Services.AddSingleton<ClusterNodes>();
        // The job server listens on this node's own queue too (work that browses a preview living here).
        builder.Services.AddSingleton(sp => new JobNode(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.Name));
        builder.Services.AddHostedService<NodeHeartbeat>();
        return builder;
    }
}
