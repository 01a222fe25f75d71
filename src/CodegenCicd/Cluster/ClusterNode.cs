using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Cluster;

/// <summary>
/// One app process sharing the database: where the others reach it and when it last said it was alive.
/// </summary>
public sealed class ClusterNode
{
    public required string Name { get; set; }

    /// <summary>Null when the node set no <c>Cluster:NodeUrl</c>: nothing can be forwarded to it.</summary>
    public string? Url { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset HeartbeatAt { get; set; }
}

internal sealed class ClusterNodeConfiguration : IEntityTypeConfiguration<ClusterNode>
{
    public void Configure(EntityTypeBuilder<ClusterNode> builder)
    {
        builder.ToTable("ClusterNodes");
        builder.HasKey(n => n.Name);
        builder.Property(n => n.Name).HasMaxLength(255);
        builder.Property(n => n.Url).HasMaxLength(500);
    }
}
