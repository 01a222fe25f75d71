using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodegenCicd.Codegen.Api;

/// <summary>
/// Codegen sends <c>created_at</c> both as ISO 8601 and as <c>2025-06-21 11:20:04.338398</c>
/// (no zone, meaning UTC). Anything unreadable becomes null rather than failing the whole reply.
/// </summary>
public sealed class LenientDateTimeConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : SkipAndReturnNull(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }

    public static DateTimeOffset? Parse(string? text) =>
        !string.IsNullOrWhiteSpace(text) && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces,
                out var value)
            ? value
            : null;

    private static DateTimeOffset? SkipAndReturnNull(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}
