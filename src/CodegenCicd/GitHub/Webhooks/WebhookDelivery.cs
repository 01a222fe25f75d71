using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.GitHub.Webhooks;

public enum DeliveryStatus
{
    Received,
    Processing,
    Processed,
    Failed,
}

/// <summary>
/// One webhook delivery, stored before GitHub gets its answer. <see cref="DeliveryId"/> is GitHub's
/// <c>X-GitHub-Delivery</c> GUID, the same on a redelivery, so it is the idempotency key (unique).
/// Its body is stored beside it (<see cref="WebhookDeliveryPayload"/>).
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }

    public required string DeliveryId { get; set; }

    public required string Event { get; set; }

    public string? Action { get; set; }

    public long? InstallationId { get; set; }

    public string? RepositoryFullName { get; set; }

    public string? HookId { get; set; }

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>How long the handlers took on the last attempt.</summary>
    public int? ProcessingMilliseconds { get; set; }

    public string? Error { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    /// <summary>The deliveries with work left, written as an OR so SQLite sees that <c>Status = 'Received'</c> implies it.</summary>
    internal const string WorkLeftFilter =
        $"\"Status\" = '{nameof(DeliveryStatus.Received)}' OR \"Status\" = '{nameof(DeliveryStatus.Processing)}'";

    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.HasIndex(d => d.DeliveryId).IsUnique();
        // The dispatcher's claim scans received deliveries oldest first with their repositories, and finds
        // the repositories being processed, from this index alone (DeliveryClaims). It holds only the deliveries
        // with work left: most are stored processed already (DeliveryTriage) and never enter it, which spares
        // intake an index page per commit. A query uses it when it names the status as a literal, not a
        // parameter (SQLite decides on a partial index when it prepares the statement).
        builder.HasIndex(d => new { d.Status, d.Id, d.RepositoryFullName })
            .HasFilter(WorkLeftFilter);
        builder.Property(d => d.DeliveryId).HasMaxLength(64);
        builder.Property(d => d.Event).HasMaxLength(64);
        builder.Property(d => d.Action).HasMaxLength(64);
        builder.Property(d => d.RepositoryFullName).HasMaxLength(200);
        builder.Property(d => d.HookId).HasMaxLength(32);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Error).HasMaxLength(4000);
    }
}
