using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodegenCicd.Hosting.Api;

/// <summary>
/// An enum written as its snake_case name. An unknown value fails with a message naming the allowed
/// ones (System.Text.Json's own converter only says it "could not be converted"). Numbers are refused.
/// </summary>
public class StrictEnumConverter<TEnum>(string what) : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<string, TEnum> ByName = Enum.GetValues<TEnum>()
        .ToDictionary(v => NameOf(v), StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> AllowedNames { get; } = [.. Enum.GetValues<TEnum>().Select(NameOf)];

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var allowed = string.Join(", ", AllowedNames);
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"{what} must be one of {allowed}.");
        }
        var value = reader.GetString() ?? "";
        return ByName.TryGetValue(value, out var parsed)
            ? parsed
            : throw new JsonException($"Unknown {what} '{value}'; use one of {allowed}.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(NameOf(value));

    private static string NameOf(TEnum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
