using System.Text;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Analysis;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class ReportParserTests
{
    private const string Sarif = """
        {
          "version": "2.1.0",
          "runs": [{
            "tool": { "driver": { "name": "semgrep" } },
            "results": [
              { "ruleId": "no-eval", "level": "error", "message": { "text": "eval is dangerous" },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "file:///workspace/src/app.js" }, "region": { "startLine": 12, "endLine": 14 } } }] },
              { "ruleId": "style", "message": { "text": "prefer const" },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "src/util.js" }, "region": { "startLine": 3 } } }] },
              { "ruleId": "info", "level": "note", "message": { "text": "fyi" },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": "README.md" } } }] }
            ]
          }]
        }
        """;

    private const string Eslint = """
        [
          { "filePath": "/workspace/web/index.js", "messages": [
              { "ruleId": "no-unused-vars", "severity": 2, "message": "'x' is defined but never used.", "line": 4, "endLine": 4 },
              { "ruleId": "semi", "severity": 1, "message": "Missing semicolon.", "line": 9 } ] },
          { "filePath": "/workspace/clean.js", "messages": [] }
        ]
        """;

    [Fact]
    public void Sarif_BecomesAnnotations_WithRepositoryRelativePathsAndLevels()
    {
        var annotations = ReportParser.Parse("semgrep.sarif", Encoding.UTF8.GetBytes(Sarif), "/workspace", out var problem);

        Assert.Null(problem);
        Assert.Equal(
            [
                new CodeAnnotation("src/app.js", 12, 14, AnnotationLevel.Failure, "eval is dangerous", "no-eval"),
                new CodeAnnotation("src/util.js", 3, 3, AnnotationLevel.Warning, "prefer const", "style"),
                new CodeAnnotation("README.md", 1, 1, AnnotationLevel.Notice, "fyi", "info"),
            ],
            annotations);
    }

    [Fact]
    public void EslintJson_BecomesAnnotations_ErrorsAsFailures()
    {
        var annotations = ReportParser.Parse("eslint.json", Encoding.UTF8.GetBytes(Eslint), "/workspace", out _);

        Assert.Equal(
            [
                new CodeAnnotation("web/index.js", 4, 4, AnnotationLevel.Failure, "'x' is defined but never used.", "no-unused-vars"),
                new CodeAnnotation("web/index.js", 9, 9, AnnotationLevel.Warning, "Missing semicolon.", "semi"),
            ],
            annotations);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"something\": 1}", "not SARIF")]
    public void UnreadableReport_YieldsNoAnnotations_AndSaysWhy(string content, string expected)
    {
        var annotations = ReportParser.Parse("weird.json", Encoding.UTF8.GetBytes(content), "/workspace", out var problem);

        Assert.Empty(annotations);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.StartsWith("weird.json", problem, StringComparison.Ordinal);
    }
}
