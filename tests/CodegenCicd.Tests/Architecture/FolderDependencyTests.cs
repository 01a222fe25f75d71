using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace CodegenCicd.Tests.Architecture;

/// <summary>
/// The feature folders of src/CodegenCicd form a graph that reads bottom-up: the kernel (Data,
/// Hosting) at the bottom, features above it, Pages and Program.cs on top. A cycle means two
/// folders can no longer be understood (or changed) one at a time.
/// </summary>
public sealed class FolderDependencyTests(ITestOutputHelper output)
{
    private static readonly string[] Kernel = ["Data", "Hosting"];

    [Fact]
    public void AppSources_BindWithoutUnknownNames()
    {
        // An unresolved name would be an edge the graph cannot see; source-generated members
        // ([LoggerMessage], [GeneratedRegex], Razor) are not run here and do not matter.
        string[] unknownName = ["CS0103", "CS0117", "CS0234", "CS0246", "CS1061"];
        var errors = AppSources.Instance.Compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && unknownName.Contains(d.Id))
            .Select(d => d.ToString())
            .ToList();

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(20)));
    }

    [Fact]
    public void FeatureFolders_HaveNoCycle()
    {
        var graph = FolderGraph.FromApp();
        foreach (var folder in graph.Folders)
        {
            output.WriteLine($"{folder} -> {string.Join(", ", graph.UsesOf(folder))}");
        }

        var cycles = graph.Cycles().Select(cycle => string.Join(Environment.NewLine, Describe(graph, cycle))).ToList();

        Assert.True(cycles.Count == 0, "Cycles between feature folders:" + Environment.NewLine
            + string.Join(Environment.NewLine + Environment.NewLine, cycles));
    }

    [Fact]
    public void Kernel_UsesNoFeature()
    {
        var graph = FolderGraph.FromApp();

        var uses = Kernel
            .SelectMany(k => graph.UsesOf(k).Except(Kernel).Select(f => $"{k} -> {f}: {graph.Example(k, f)}"))
            .ToList();

        Assert.True(uses.Count == 0, "The kernel uses features:" + Environment.NewLine + string.Join(Environment.NewLine, uses));
    }

    private static IEnumerable<string> Describe(FolderGraph graph, List<string> cycle)
    {
        yield return string.Join(" -> ", cycle);
        for (var i = 0; i + 1 < cycle.Count; i++)
        {
            yield return $"  {cycle[i]} -> {cycle[i + 1]}: {graph.Example(cycle[i], cycle[i + 1])}";
        }
    }
}
