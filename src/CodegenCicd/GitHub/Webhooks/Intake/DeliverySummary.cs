using System.Text.Json;

namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>
/// What intake keeps of a body beside it, in the delivery's row: its action, installation and repository.
/// <see cref="Read"/> also validates the whole body: a malformed one is refused at the door, never stored.
/// </summary>
public sealed record DeliverySummary(string? Action, long? InstallationId, string? Repository)
{
    /// <summary>
    /// The summary of a JSON object, or null when the body is not one (or not JSON at all). One forward pass of
    /// <see cref="Utf8JsonReader"/>, which checks every token as <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
    /// does, without building the document (half the cost on a 23 KB delivery). Read defensively: a signed body is
    /// trusted to come from GitHub, not to have the expected shape. Where a property repeats, the last one counts,
    /// as with <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>.
    /// </summary>
    public static DeliverySummary? Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, isFinalBlock: true, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            string? action = null, repository = null;
            long? installation = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("action"u8))
                {
                    reader.Read();
                    action = Text(ref reader, 64);
                }
                else if (reader.ValueTextEquals("installation"u8))
                {
                    reader.Read();
                    installation = Property<long?>(ref reader, "id"u8, static (ref Utf8JsonReader r) =>
                        r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var id) ? id : (long?)null);
                }
                else if (reader.ValueTextEquals("repository"u8))
                {
                    reader.Read();
                    repository = Property<string>(ref reader, "full_name"u8, static (ref Utf8JsonReader r) => Text(ref r, 200));
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            // The root object is closed; anything after it (a second value, a stray token) fails the reader.
            while (reader.Read())
            {
            }
            return new DeliverySummary(action, installation, repository);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string that is not UTF-8 (GetString's InvalidOperationException).
            return null;
        }
    }

    private delegate T ValueReader<T>(ref Utf8JsonReader reader);

    /// <summary>
    /// One property of the object the reader is at (the last of that name), read by <paramref name="read"/>; the
    /// reader is left at the object's end. Default when the value is not an object.
    /// </summary>
    private static T? Property<T>(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ValueReader<T?> read)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }
        T? found = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals(name);
            reader.Read();
            if (wanted)
            {
                found = read(ref reader);
            }
            reader.Skip();
        }
        return found;
    }

    /// <summary>A string value, cut to its column's size (names; a longer one is cut rather than refused).</summary>
    private static string? Text(ref Utf8JsonReader reader, int maxLength)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }
        var text = reader.GetString()!;
        return text[..Math.Min(text.Length, maxLength)];
    }
}
