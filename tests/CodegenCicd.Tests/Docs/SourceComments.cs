using System.Text.RegularExpressions;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Docs;

/// <summary>
/// Reads a property's <c>/// &lt;summary&gt;</c> from the source file of its class, so a key's
/// description is written once, next to the code, and the documentation repeats it.
/// </summary>
public static partial class SourceComments
{
    private static readonly Lazy<string[]> SourceFiles = new(() =>
        Directory.GetFiles(RepositoryRoot.Combine("src", "CodegenCicd"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray());

    public static string Summary(Type type, string property)
    {
        var body = ClassBody(type);
        if (body is null)
        {
            return "";
        }
        // An attribute may be wrapped over several lines: its continuation lines are those that start neither a
        // doc comment, another attribute nor the property itself.
        var match = Regex.Match(body,
            @"((?:[ \t]*///[^\n]*\n)+)"
            + @"(?:[ \t]*\[[^\n]*(?:\n(?![ \t]*(?:///|\[|public\s))[^\n]*)*?\]\s*\n)*"
            + @"[ \t]*public [^\n;{=]*\b" + Regex.Escape(property) + @"\s*\{\s*get;");
        if (!match.Success)
        {
            return "";
        }
        var xml = string.Join(" ", match.Groups[1].Value.Split('\n').Select(l => l.Trim().TrimStart('/').Trim()).Where(l => l.Length > 0));
        var summary = Regex.Match(xml, "<summary>(.*?)</summary>", RegexOptions.Singleline);
        return summary.Success ? ToMarkdown(summary.Groups[1].Value.Trim()) : "";
    }

    /// <summary>The text of <paramref name="type"/>'s declaration up to the next type declaration in its file.</summary>
    private static string? ClassBody(Type type)
    {
        var declaration = new Regex(@"\b(class|record)\s+" + Regex.Escape(type.Name) + @"\b");
        foreach (var file in SourceFiles.Value)
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
            var match = declaration.Match(text);
            if (match.Success && text.Contains($"namespace {type.Namespace};", StringComparison.Ordinal))
            {
                var next = NextType().Match(text, match.Index + match.Length);
                return next.Success ? text[match.Index..next.Index] : text[match.Index..];
            }
        }
        return null;
    }

    private static string ToMarkdown(string xml)
    {
        var text = CodeElement().Replace(xml, m => $"`{m.Groups[1].Value}`");
        text = SeeElement().Replace(text, m => $"`{Simplify(m.Groups[1].Value)}`");
        text = ParamRef().Replace(text, m => $"`{m.Groups[1].Value}`");
        return System.Net.WebUtility.HtmlDecode(Regex.Replace(text, @"\s+", " ")).Trim();
    }

    private static string Simplify(string cref) => cref.Split('.').Last();

    [GeneratedRegex(@"<c>(.*?)</c>", RegexOptions.Singleline)]
    private static partial Regex CodeElement();

    [GeneratedRegex(@"<see\s+(?:cref|langword|href)=""([^""]+)""\s*/>")]
    private static partial Regex SeeElement();

    [GeneratedRegex(@"<(?:typeparamref|paramref)\s+name=""([^""]+)""\s*/>")]
    private static partial Regex ParamRef();

    [GeneratedRegex(@"\n(?:public|internal)\s+(?:sealed\s+|static\s+|abstract\s+)*(?:partial\s+)?(?:class|record|enum|interface|struct)\s")]
    private static partial Regex NextType();
}
