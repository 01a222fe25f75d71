using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Cloudflare.Recovery;

/// <summary>
/// A delivery GitHub's log shows as failed and this app never stored, and what was done about it.
/// One row per GUID: the recovery job is idempotent by it.
/// </summary>
public sealed class MissedDelivery
{
    public long Id { get; set; }

    /// <summary>GitHub's <c>X-GitHub-Delivery</c> GUID.</summary>
    public required string DeliveryId { get; set; }

    /// <summary>The id of the failed attempt in GitHub's log (what <c>…/attempts</c> takes).</summary>
    public long HookDeliveryId { get; set; }

    public string? Event { get; set; }

    public string? Action { get; set; }

    /// <summary>When GitHub first tried to deliver it.</summary>
    public DateTimeOffset DeliveredAt { get; set; }

    /// <summary>GitHub's answer code for the failed attempt (0: no connection).</summary>
    public int StatusCode { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset FoundAt { get; set; }

    public DateTimeOffset? LastRequestedAt { get; set; }

    /// <summary>GitHub's message when asking for the redelivery failed.</summary>
    public string? Error { get; set; }
}

internal sealed class MissedDeliveryConfiguration : IEntityTypeConfiguration<MissedDelivery>
{
    public void Configure(EntityTypeBuilder<MissedDelivery> builder)
    {
        builder.ToTable("MissedDeliveries");
        builder.HasIndex(d => d.DeliveryId).IsUnique();
        builder.HasIndex(d => d.FoundAt);
        builder.Property(d => d.DeliveryId).HasMaxLength(64);
        builder.Property(d => d.Event).HasMaxLength(64);
        builder.Property(d => d.Action).HasMaxLength(64);
        builder.Property(d => d.Error).HasMaxLength(2000);
    }
}
