using YamlDotNet.RepresentationModel;

namespace CodegenCicd.Projects;

/// <summary>The <c>web_eval</c> section: pages, task, how deep to follow links, and what each page must show.</summary>
public static partial class RepoConfigFile
{
    public const int MaxFollowLinks = 10;

    private static WebEvalConfig ApplyWebEval(WebEvalConfig webEval, YamlMappingNode node, List<string> unknown)
    {
        foreach (var (key, value) in Entries(node))
        {
            webEval = key switch
            {
                "pages" => webEval with { Pages = PreviewPaths(value, "web_eval.pages") },
                "task" => webEval with { Task = Scalar(value, "web_eval.task") },
                "follow_links" => webEval with
                {
                    FollowLinks = Integer(value, "web_eval.follow_links", 0, MaxFollowLinks)
                },
                "expect" => webEval with { Expect = Expectations(Mapping(value, "web_eval.expect"), unknown) },
                _ => Unknown(webEval, "web_eval." + key, unknown),
            };
        }
        return webEval;
    }

    /// <summary>Each page must be a path of the preview; an absolute URL would send the browser elsewhere.</summary>
    private static IReadOnlyList<string> PreviewPaths(YamlNode node, string what)
    {
        var paths = StringList(node, what);
        foreach (var (path, i) in paths.Select((p, i) => (p, i)))
        {
            if (PreviewPath.Problem(path) is { } problem)
            {
                throw Fail(node, $"{what}[{i}]: {problem}");
            }
        }
        return paths;
    }

    /// <summary>
    /// <c>expect: {"/about": {selector: h1, text: About us}}</c>; a bare string is the text alone; a list gives a page
    /// several (<c>"/": [{selector: h1, text: Title}, Body text]</c>).
    /// </summary>
    private static Dictionary<string, IReadOnlyList<PageExpectation>> Expectations(
        YamlMappingNode node, List<string> unknown)
    {
        var expectations = new Dictionary<string, IReadOnlyList<PageExpectation>>(StringComparer.Ordinal);
        foreach (var (path, value) in Entries(node))
        {
            if (!path.StartsWith('/'))
            {
                throw Fail(node, $"web_eval.expect keys are page paths starting with '/', not '{path}'");
            }
            if (PreviewPath.Problem(path) is { } problem)
            {
                throw Fail(node, $"web_eval.expect: {problem}");
            }
            var what = $"web_eval.expect.{path}";
            IReadOnlyList<PageExpectation> items = value is YamlSequenceNode sequence
                ? [.. sequence.Children.Select((item, i) => Expectation(item, $"{what}[{i}]", unknown))]
                : [Expectation(value, what, unknown)];
            expectations[path] = expectations.TryGetValue(path, out var earlier) ? [.. earlier, .. items] : items;
        }
        return expectations;
    }

    private static PageExpectation Expectation(YamlNode value, string what, List<string> unknown)
    {
        var expectation = value is YamlScalarNode
            ? new PageExpectation { Text = Scalar(value, what) }
            : new PageExpectation();
        if (value is not YamlScalarNode)
        {
            foreach (var (key, item) in Entries(Mapping(value, what)))
            {
                expectation = key switch
                {
                    "selector" => expectation with { Selector = Scalar(item, what + ".selector") },
                    "text" => expectation with { Text = Scalar(item, what + ".text") },
                    _ => Unknown(expectation, $"{what}.{key}", unknown),
                };
            }
        }
        if (string.IsNullOrWhiteSpace(expectation.Selector) && string.IsNullOrWhiteSpace(expectation.Text))
        {
            throw Fail(value, $"{what} needs a selector, a text or both");
        }
        return expectation;
    }
}
