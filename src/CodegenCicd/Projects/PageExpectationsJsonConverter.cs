using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodegenCicd.Projects;

/// <summary>
/// <c>web_eval.expect</c> in JSON: each page's expectations as a list, or one expectation object as a list of one,
/// which is how settings were stored (and sent to the API) when a page could have only one. Written as lists.
/// </summary>
internal sealed class PageExpectationsJsonConverter
    : JsonConverter<IReadOnlyDictionary<string, IReadOnlyList<PageExpectation>>>
{
    public override IReadOnlyDictionary<string, IReadOnlyList<PageExpectation>> Read(
        ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expect must be an object whose keys are page paths.");
        }
        var expectations = new Dictionary<string, IReadOnlyList<PageExpectation>>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var path = reader.GetString()!;
            reader.Read();
            var items = reader.TokenType switch
            {
                JsonTokenType.StartArray =>
                    JsonSerializer.Deserialize<List<PageExpectation>>(ref reader, options) ?? [],
                JsonTokenType.Null => [],
                _ => [JsonSerializer.Deserialize<PageExpectation>(ref reader, options)!],
            };
            if (expectations.TryGetValue(path, out var earlier))
            {
                items = [.. earlier, .. items];
            }
            expectations[path] = items;
        }
        return expectations;
    }

    public override void Write(
        Utf8JsonWriter writer, IReadOnlyDictionary<string, IReadOnlyList<PageExpectation>> value,
        JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (path, items) in value)
        {
            writer.WritePropertyName(path);
            JsonSerializer.Serialize(writer, items, options);
        }
        writer.WriteEndObject();
    }
}
