using System.Text.Json;

namespace CodegenCicd.Sandboxes.Analysis;

/// <summary>
/// Turns analysis reports into check-run annotations: SARIF 2.1.0 (<c>runs[].results[]</c>) and
/// ESLint's JSON formatter (<c>[{filePath, messages[]}]</c>). Paths become repository-relative.
/// </summary>
public static class ReportParser
{
    /// <summary>
    /// Annotations from one report file; an unreadable report yields none and says why in <paramref name="problem"/>.
    /// </summary>
    public static IReadOnlyList<CodeAnnotation> Parse(string fileName, ReadOnlySpan<byte> content, string workspaceRoot,
        out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(content.ToArray(),
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("runs", out var runs))
            {
                return Sarif(runs, workspaceRoot);
            }
            if (root.ValueKind == JsonValueKind.Array)
            {
                return Eslint(root, workspaceRoot);
            }
            problem = $"{fileName}: not SARIF (no runs) nor ESLint JSON (not an array)";
        }
        catch (JsonException ex)
        {
            problem = $"{fileName}: not valid JSON ({ex.Message})";
        }
        return [];
    }

    private static List<CodeAnnotation> Sarif(JsonElement runs, string workspaceRoot)
    {
        var annotations = new List<CodeAnnotation>();
        foreach (var run in Items(runs))
        {
            foreach (var result in Items(Property(run, "results")))
            {
                var message = Text(Property(Property(result, "message"), "text")) ?? "(no message)";
                var rule = Text(Property(result, "ruleId"));
                var level = Text(Property(result, "level")) switch
                {
                    "error" => AnnotationLevel.Failure,
                    "note" or "none" => AnnotationLevel.Notice,
                    _ => AnnotationLevel.Warning,
                };
                foreach (var location in Items(Property(result, "locations")).Take(1))
                {
                    var physical = Property(location, "physicalLocation");
                    var uri = Text(Property(Property(physical, "artifactLocation"), "uri"));
                    if (uri is null)
                    {
                        continue;
                    }
                    var region = Property(physical, "region");
                    var start = Number(Property(region, "startLine")) ?? 1;
                    var end = Number(Property(region, "endLine")) ?? start;
                    annotations.Add(new(RelativePath(uri, workspaceRoot), start, Math.Max(start, end), level, message,
                        rule));
                }
            }
        }
        return annotations;
    }

    private static List<CodeAnnotation> Eslint(JsonElement files, string workspaceRoot)
    {
        var annotations = new List<CodeAnnotation>();
        foreach (var file in Items(files))
        {
            if (Text(Property(file, "filePath")) is not { } path)
            {
                continue;
            }
            foreach (var message in Items(Property(file, "messages")))
            {
                var start = Number(Property(message, "line")) ?? 1;
                var end = Number(Property(message, "endLine")) ?? start;
                var level = Number(Property(message, "severity")) == 2
                    ? AnnotationLevel.Failure
                    : AnnotationLevel.Warning;
                annotations.Add(new(RelativePath(path, workspaceRoot), start, Math.Max(start, end), level,
                    Text(Property(message, "message")) ?? "(no message)", Text(Property(message, "ruleId"))));
            }
        }
        return annotations;
    }

    /// <summary>
    /// <c>file:///workspace/src/a.js</c>, <c>/workspace/src/a.js</c> and <c>src/a.js</c> all become <c>src/a.js</c>.
    /// </summary>
    public static string RelativePath(string path, string workspaceRoot)
    {
        if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(path, UriKind.Absolute, out var uri))
        {
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        var root = workspaceRoot.TrimEnd('/') + "/";
        if (path.StartsWith(root, StringComparison.Ordinal))
        {
            path = path[root.Length..];
        }
        return path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static IEnumerable<JsonElement> Items(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];

    private static string? Text(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static int? Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var n) && n > 0 ? n : null;
}
