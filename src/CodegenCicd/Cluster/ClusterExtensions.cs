using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Cluster;

public static class ClusterExtensions
{
    /// <summary>This node's registration and heartbeat in the shared database (see README, "Several nodes").</summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<ClusterOptions>();
        builder.Services.AddSingleton<ClusterNodes>();
        builder.Services.AddHostedService<NodeHeartbeat>();
        return builder;
    }
}
