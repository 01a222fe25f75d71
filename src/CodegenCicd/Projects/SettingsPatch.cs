using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Hosting.Api;

namespace CodegenCicd.Projects;

/// <summary>
/// The outcome of applying a PUT body: the merged settings, or why the body was refused (nothing saved).
/// </summary>
public sealed record SettingsPatchResult(
    ProjectSettings? Settings, IReadOnlyDictionary<string, string[]> UnknownKeys, string? JsonError);

/// <summary>
/// Applies a settings body from the API onto the current settings: what the body names replaces the current
/// value (objects merge key by key, lists and the <c>expect</c> map are replaced whole), what it leaves out
/// stays, and <c>null</c> puts a field back to its default (empty for texts and lists). Keys the settings
/// do not have are refused rather than ignored, naming the API spelling when the repository file's was used.
/// </summary>
public static class SettingsPatch
{
    /// <param name="json">The API's JSON options, so the body is read exactly as a bound body would be.</param>
    public static SettingsPatchResult Apply(ProjectSettings current, JsonElement body, JsonSerializerOptions json)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new(null, new Dictionary<string, string[]>(),
                "Send the settings as a JSON object, e.g. {\"maxIterations\": 5}.");
        }
        var unknown = new Dictionary<string, string[]>(StringComparer.Ordinal);
        FindUnknownKeys(body, typeof(ProjectSettings), "", unknown);
        if (unknown.Count > 0)
        {
            return new(null, unknown, null);
        }
        try
        {
            // Read the body alone first, so a wrong type is reported with its path and line in what was sent.
            JsonSerializer.Deserialize<ProjectSettings>(body.GetRawText(), json);
            var merged = JsonSerializer.SerializeToNode(current, json)!.AsObject();
            Merge(merged, JsonNode.Parse(body.GetRawText())!.AsObject(), typeof(ProjectSettings));
            return new(merged.Deserialize<ProjectSettings>(json), unknown, null);
        }
        catch (JsonException e)
        {
            return new(null, unknown, JsonProblem.Describe(e, typeof(ProjectSettings)));
        }
    }

    private static void Merge(JsonObject target, JsonObject patch, Type type)
    {
        foreach (var (key, value) in patch.ToList())
        {
            var property = Property(type, key)!;
            var name = Name(property);
            if (value is null)
            {
                target.Remove(name);
            }
            else if (IsSection(property.PropertyType) && value is JsonObject section
                && target[name] is JsonObject existing)
            {
                Merge(existing, section, property.PropertyType);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    private static void FindUnknownKeys(
        JsonElement element, Type type, string path, Dictionary<string, string[]> unknown)
    {
        if (IsSection(type) && element.ValueKind == JsonValueKind.Object)
        {
            foreach (var item in element.EnumerateObject())
            {
                var at = path.Length == 0 ? item.Name : $"{path}.{item.Name}";
                if (Property(type, item.Name) is { } property)
                {
                    FindUnknownKeys(item.Value, property.PropertyType, at, unknown);
                }
                else
                {
                    unknown[at] = [Suggest(item.Name, at)];
                }
            }
        }
        else if (JsonPathType.DictionaryValueType(type) is { } valueType && element.ValueKind == JsonValueKind.Object)
        {
            foreach (var item in element.EnumerateObject())
            {
                FindUnknownKeys(item.Value, valueType, $"{path}.{item.Name}", unknown);
            }
        }
        else if (type != typeof(string) && JsonPathType.ElementType(type) is { } elementType)
        {
            // A list of sections, or (web_eval.expect) one section standing for a list of one.
            var items = element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().ToList() : [element];
            for (var i = 0; i < items.Count; i++)
            {
                FindUnknownKeys(items[i], elementType,
                    element.ValueKind == JsonValueKind.Array ? $"{path}[{i}]" : path, unknown);
            }
        }
    }

    /// <summary>
    /// Names the key the API uses when the repository file's snake_case spelling (or its place) was sent.
    /// </summary>
    private static string Suggest(string key, string at)
    {
        var camel = JsonNamingPolicy.CamelCase.ConvertName(string.Concat(
            key.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..])));
        var known = KnownPaths(typeof(ProjectSettings), "")
            .FirstOrDefault(p => p == camel || p.EndsWith("." + camel, StringComparison.Ordinal));
        return known is null
            ? $"'{at}' is not a setting; nothing was saved."
            : $"'{at}' is not a setting; the API spells it '{known}' "
                + "(the repository file's names are snake_case, the API's camelCase). Nothing was saved.";
    }

    private static IEnumerable<string> KnownPaths(Type type, string prefix) =>
        Properties(type).SelectMany(p =>
        {
            var path = prefix + Name(p);
            return IsSection(p.PropertyType) ? [path, .. KnownPaths(p.PropertyType, path + ".")] : new[] { path };
        });

    /// <summary>
    /// A record of settings (not a list, map, text or enum): its keys are checked and merged one by one.
    /// </summary>
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(ProjectSettings).Namespace;

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    // Property names are matched as the API's JSON options read them: case-insensitively.
    private static PropertyInfo? Property(Type type, string key) =>
        Properties(type).FirstOrDefault(p => string.Equals(Name(p), key, StringComparison.OrdinalIgnoreCase));

    private static string Name(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
