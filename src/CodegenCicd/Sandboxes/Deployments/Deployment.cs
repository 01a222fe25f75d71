using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Sandboxes.Deployments;

public enum DeploymentState
{
    Running,
    Stopped,
}

/// <summary>
/// A preview that was started: enough to find and stop it after a restart (the running process
/// itself is tracked in memory by <see cref="DeploymentRegistry"/>).
/// </summary>
public sealed class Deployment
{
    public int Id { get; set; }

    public required string Repository { get; set; }

    public int PullRequest { get; set; }

    public required string HeadSha { get; set; }

    /// <summary>
    /// The node (<c>Cluster:NodeName</c>) whose processes these
    /// are; only that node cleans them up, others forward to it.
    /// </summary>
    public required string Host { get; set; }

    public int Port { get; set; }

    public int ProcessId { get; set; }

    public required string Workspace { get; set; }

    public string? SnapshotId { get; set; }

    public DeploymentState State { get; set; }

    public string? StopReason { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset LastUsedAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>SHA-256 of the capability token, so any node finds the deployment a <c>/p/</c> link names.</summary>
    public string? PreviewTokenHash { get; set; }

    /// <summary>
    /// The capability token itself, encrypted with the nodes' shared keys: a woken preview keeps its link.
    /// </summary>
    public string? ProtectedPreviewToken { get; set; }
}

internal sealed class DeploymentConfiguration : IEntityTypeConfiguration<Deployment>
{
    public void Configure(EntityTypeBuilder<Deployment> builder)
    {
        builder.ToTable("Deployments");
        builder.HasIndex(d => new { d.Repository, d.PullRequest });
        builder.HasIndex(d => new { d.Host, d.State });
        builder.HasIndex(d => d.PreviewTokenHash);
        builder.Property(d => d.PreviewTokenHash).HasMaxLength(64);
        builder.Property(d => d.ProtectedPreviewToken).HasMaxLength(1024);
        builder.Property(d => d.Repository).HasMaxLength(200);
        builder.Property(d => d.HeadSha).HasMaxLength(64);
        builder.Property(d => d.Host).HasMaxLength(255);
        builder.Property(d => d.Workspace).HasMaxLength(1024);
        builder.Property(d => d.SnapshotId).HasMaxLength(64);
        builder.Property(d => d.StopReason).HasMaxLength(200);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
    }
}
