using System.Buffers;
using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// A delivery's body, in a table of its own beside <see cref="WebhookDelivery"/>. The delivery row changes
/// three times in its life (received, processing, processed), and SQLite rewrites a whole row, overflow pages
/// included, on every update: with the body inline each change wrote the 23 KB body again. Written once with
/// its row, read once by the processor, deleted with its row.
/// <para>
/// Stored compressed (<see cref="DeliveryBodyCodec"/>): webhook JSON repeats itself (every object carries a dozen
/// API URLs), so a 23 KB <c>pull_request</c> body takes about 2.2 KB, written with one page instead of six.
/// Compressing costs about 15 µs on the request's own thread; the single writer and the disk are what intake
/// queues for.
/// </para>
/// </summary>
public sealed class WebhookDeliveryPayload
{
    /// <summary>The <see cref="WebhookDelivery.Id"/> of its delivery.</summary>
    public long Id { get; set; }

    /// <summary>The body exactly as received (UTF-8 JSON, so it can be replayed), compressed.</summary>
    public byte[]? Body { get; set; }

    /// <summary>How <see cref="Body"/> is compressed: rows from before Zstandard hold Brotli.</summary>
    public BodyCompression Compression { get; set; }

    /// <summary>The body's length in bytes before compression.</summary>
    public int Length { get; set; }

    /// <summary>The body as text, in rows stored before bodies were compressed (they age out with retention).</summary>
    public string? Payload { get; set; }

    /// <summary>How <see cref="Compress"/> compresses.</summary>
    public const BodyCompression Written = BodyCompression.Zstandard;

    public static WebhookDeliveryPayload For(long id, ReadOnlySpan<byte> json) =>
        new() { Id = id, Body = Compress(json), Compression = Written, Length = json.Length };

    /// <summary>The body's compressed form, as <see cref="Body"/> stores it (<see cref="Written"/>).</summary>
    public static byte[] Compress(ReadOnlySpan<byte> json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(DeliveryBodyCodec.MaxCompressedLength(json.Length));
        try
        {
            return buffer[..DeliveryBodyCodec.Compress(json, buffer)];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The body as received: UTF-8 JSON.</summary>
    public byte[] Json() => ReadJson(json => json.ToArray());

    /// <summary>
    /// Runs <paramref name="read"/> on the body as received (UTF-8 JSON), decompressed into an array lent by the
    /// pool for that call only: <paramref name="read"/> must not keep the span.
    /// </summary>
    public T ReadJson<T>(Func<ReadOnlySpan<byte>, T> read)
    {
        if (Body is null)
        {
            return read(Encoding.UTF8.GetBytes(Payload ?? ""));
        }
        var json = ArrayPool<byte>.Shared.Rent(Length);
        try
        {
            if (!Decompress(Body, json.AsSpan(0, Length)))
            {
                throw new InvalidDataException($"The stored body of delivery row {Id} is damaged: "
                    + $"it does not decompress to its recorded {Length} bytes.");
            }
            return read(json.AsSpan(0, Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    private bool Decompress(byte[] body, Span<byte> json) => Compression switch
    {
        BodyCompression.Zstandard => DeliveryBodyCodec.TryDecompress(body, json),
        BodyCompression.Brotli => BrotliDecoder.TryDecompress(body, json, out var written) && written == json.Length,
        _ => false,
    };
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
