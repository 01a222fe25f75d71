using System.Reflection;
using System.Text.RegularExpressions;

namespace CodegenCicd.Hosting.Api;

/// <summary>
/// The .NET type found at a System.Text.Json path (<c>$.pipeline.merge.method</c>, <c>$.pages[0]</c>) below
/// a body type.
/// </summary>
internal static partial class JsonPathType
{
    public static Type? Resolve(Type root, string path)
    {
        Type? current = root;
        foreach (Match segment in Segments().Matches(path))
        {
            if (current is null)
            {
                return null;
            }
            current = segment.Groups["index"].Success
                ? ElementType(current)
                : DictionaryValueType(current) ?? Property(current, segment.Groups["name"].Success
                    ? segment.Groups["name"].Value
                    : segment.Groups["quoted"].Value);
        }
        return current;
    }

    public static Type? DictionaryValueType(Type type) =>
        Interface(type, typeof(IReadOnlyDictionary<,>)) is { } readOnly ? readOnly.GetGenericArguments()[1]
        : Interface(type, typeof(IDictionary<,>)) is { } dictionary ? dictionary.GetGenericArguments()[1]
        : null;

    public static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : Interface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? Property(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;

    private static Type? Interface(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex Segments();
}
