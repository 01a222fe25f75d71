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

    /// <summary>The machine whose processes these are; only that machine cleans them up.</summary>
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
}

internal sealed class DeploymentConfiguration : IEntityTypeConfiguration<Deployment>
{
    public void Configure(EntityTypeBuilder<Deployment> builder)
    {
        builder.ToTable("Deployments");
        builder.HasIndex(d => new { d.Repository, d.PullRequest });
        builder.HasIndex(d => new { d.Host, d.State });
        builder.Property(d => d.Repository).HasMaxLength(200);
        builder.Property(d => d.HeadSha).HasMaxLength(64);
        builder.Property(d => d.Host).HasMaxLength(255);
        builder.Property(d => d.Workspace).HasMaxLength(1024);
        builder.Property(d => d.SnapshotId).HasMaxLength(64);
        builder.Property(d => d.StopReason).HasMaxLength(200);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
    }
}
