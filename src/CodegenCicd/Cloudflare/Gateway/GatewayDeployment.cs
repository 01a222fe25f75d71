using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>
/// One deploy of the gateway Worker from the Gateway page, kept as history: the last successful one
/// gives the Worker's URL and the Queue's id to the pull loop when configuration does not.
/// </summary>
public sealed class GatewayDeployment
{
    public long Id { get; set; }

    public required string WorkerName { get; set; }

    public GatewayMode Mode { get; set; }

    public string? WorkerUrl { get; set; }

    public string? QueueId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>Cloudflare's own message when a step failed.</summary>
    public string? Error { get; set; }
}

internal sealed class GatewayDeploymentConfiguration : IEntityTypeConfiguration<GatewayDeployment>
{
    public void Configure(EntityTypeBuilder<GatewayDeployment> builder)
    {
        builder.ToTable("GatewayDeployments");
        builder.Property(d => d.WorkerName).HasMaxLength(64);
        builder.Property(d => d.Mode).HasConversion<string>().HasMaxLength(8);
        builder.Property(d => d.WorkerUrl).HasMaxLength(500);
        builder.Property(d => d.QueueId).HasMaxLength(64);
        builder.Property(d => d.Error).HasMaxLength(4000);
        builder.HasIndex(d => d.StartedAt);
    }
}
