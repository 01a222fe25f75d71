using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// A delivery's body, in a table of its own beside <see cref="WebhookDelivery"/>. The delivery row changes
/// three times in its life (received, processing, processed), and SQLite rewrites a whole row, overflow pages
/// included, on every update: with the body inline each change wrote the 23 KB body again. Written once with
/// its row, read once by the processor, deleted with its row.
/// </summary>
public sealed class WebhookDeliveryPayload
{
    /// <summary>The <see cref="WebhookDelivery.Id"/> of its delivery.</summary>
    public long Id { get; set; }

    /// <summary>The body exactly as received (UTF-8 JSON), so it can be replayed.</summary>
    public required string Payload { get; set; }
}

internal sealed class WebhookDeliveryPayloadConfiguration : IEntityTypeConfiguration<WebhookDeliveryPayload>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryPayload> builder)
    {
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<WebhookDelivery>().WithOne().HasForeignKey<WebhookDeliveryPayload>(p => p.Id)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
