using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Audit;

/// <summary>
/// One change someone made: who (a GitHub login, "admin" for the
/// password account, "api-token"), when, what, on which project.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    /// <summary>A short verb from <see cref="AuditActions"/>, e.g. <c>run.rerun</c>.</summary>
    public required string Action { get; set; }

    public int? ProjectId { get; set; }

    /// <summary>What was acted on, e.g. <c>run 42</c> or <c>secret API_KEY</c>; never a secret's value.</summary>
    public string? Target { get; set; }

    public string? Details { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditLog");
        builder.Property(e => e.Actor).HasMaxLength(100);
        builder.Property(e => e.Action).HasMaxLength(50);
        builder.Property(e => e.Target).HasMaxLength(200);
        builder.Property(e => e.Details).HasMaxLength(1000);
        builder.HasIndex(e => new { e.ProjectId, e.Id });
    }
}
