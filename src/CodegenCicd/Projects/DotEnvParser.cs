namespace CodegenCicd.Projects;

/// <summary>One problem in a pasted .env file, by line number (1-based).</summary>
public sealed record DotEnvError(int Line, string Message);

public sealed record DotEnvResult(
    IReadOnlyList<KeyValuePair<string, string>> Variables, IReadOnlyList<DotEnvError> Errors);

/// <summary>
/// Reads <c>KEY=VALUE</c> lines as dotenv tools write them: blank lines and <c>#</c> comments skipped,
/// an optional <c>export </c> prefix, single or double quotes (double quotes understand \n, \" and \\),
/// and <c># comments</c> after unquoted values. Every bad line is reported, so the admin fixes them all at once.
/// </summary>
public static class DotEnvParser
{
    public static DotEnvResult Parse(string text)
    {
        var variables = new List<KeyValuePair<string, string>>();
        var errors = new List<DotEnvError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add(new(i + 1, "Expected KEY=VALUE."));
                continue;
            }
            var name = line[..equals].Trim();
            var (value, valueError) = ParseValue(line[(equals + 1)..].Trim());
            var error = ProjectSecrets.ValidateName(name) ?? valueError
                ?? (value is null ? null : ProjectSecrets.ValidateValue(value));
            if (error is null && !seen.Add(name))
            {
                error = $"{name} appears more than once.";
            }
            if (error is not null)
            {
                errors.Add(new(i + 1, error));
                continue;
            }
            variables.Add(new(name, value!));
        }
        return new(variables, errors);
    }

    private static (string? Value, string? Error) ParseValue(string raw)
    {
        if (raw.Length > 0 && raw[0] is '"' or '\'')
        {
            var quote = raw[0];
            var close = FindClosingQuote(raw, quote);
            if (close < 0)
            {
                return (null,
                    $"The value's opening {quote} is never closed (values spanning lines are not supported).");
            }
            var rest = raw[(close + 1)..].Trim();
            if (rest.Length > 0 && !rest.StartsWith('#'))
            {
                return (null, "Unexpected text after the closing quote.");
            }
            var inner = raw[1..close];
            return (quote == '"' ? Unescape(inner) : inner, null);
        }
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        return ((comment >= 0 ? raw[..comment] : raw).TrimEnd(), null);
    }

    private static int FindClosingQuote(string raw, char quote)
    {
        for (var i = 1; i < raw.Length; i++)
        {
            if (quote == '"' && raw[i] == '\\')
            {
                i++;
            }
            else if (raw[i] == quote)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Unescape(string value) =>
        value.Replace("\\\\", "\u0000", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal)
            .Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\u0000", "\\", StringComparison.Ordinal);
}
