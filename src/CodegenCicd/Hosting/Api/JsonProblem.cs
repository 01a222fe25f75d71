using System.Text.Json;
using System.Text.RegularExpressions;

namespace CodegenCicd.Hosting.Api;

/// <summary>
/// Turns a <see cref="JsonException"/> into one sentence: where (path, line, column), then what is wrong.
/// </summary>
internal static partial class JsonProblem
{
    /// <param name="exception">What System.Text.Json threw.</param>
    /// <param name="bodyType">The endpoint's body type, to name the type expected at the failing path.</param>
    public static string Describe(JsonException exception, Type? bodyType)
    {
        // System.Text.Json appends " Path: … | LineNumber: … | BytePositionInLine: …." to its own
        // messages; the reason comes first and the location is rebuilt from the exception's properties.
        var reason = exception.Message;
        var pathAt = reason.IndexOf(" Path: ", StringComparison.Ordinal);
        if (pathAt >= 0)
        {
            reason = reason[..pathAt];
        }
        if (NotConvertible().IsMatch(reason))
        {
            // The message names the containing record when the field is a constructor parameter, so
            // the expected type is looked up from the body type along the path instead.
            var expected = bodyType is null || exception.Path is null
                ? null
                : JsonPathType.Resolve(bodyType, exception.Path);
            reason = expected is null
                ? "The value has the wrong type for this field."
                : $"Expected {Expected(expected)}.";
        }
        var where = exception.Path is { Length: > 0 } path ? $" at {path}" : "";
        var line = exception.LineNumber is { } l
            ? $" (line {l + 1}, column {exception.BytePositionInLine.GetValueOrDefault() + 1})"
            : "";
        return $"Invalid JSON{where}{line}: {reason}";
    }

    /// <summary>A .NET type as a JSON writer would say it.</summary>
    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time (ISO 8601)",
            _ when type.IsEnum => "one of "
                + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)),
            _ when JsonPathType.DictionaryValueType(type) is not null => "an object",
            _ when JsonPathType.ElementType(type) is not null => "an array",
            _ => "an object",
        };
    }

    [GeneratedRegex(@"could not be converted to \S+?\.?$")]
    private static partial Regex NotConvertible();
}
