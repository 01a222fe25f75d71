namespace CodegenCicd.Tests.Architecture;

/// <summary>Which feature folder uses which, with one example reference per edge.</summary>
internal sealed class FolderGraph
{
    private readonly Dictionary<string, SortedDictionary<string, string>> edges = [];

    public static FolderGraph FromApp()
    {
        var graph = new FolderGraph();
        foreach (var reference in SymbolReferences.InApp)
        {
            if (reference.ToFolder is { } to && to != reference.FromFolder)
            {
                var example = $"{AppSources.Instance.Describe(reference.Node)} uses {reference.Symbol.ToDisplayString()}";
                graph.Add(reference.FromFolder, to, example);
            }
        }
        return graph;
    }

    public IEnumerable<string> Folders => edges.Keys.Concat(edges.Values.SelectMany(e => e.Keys)).Distinct().Order();

    public IReadOnlyCollection<string> UsesOf(string folder) =>
        edges.TryGetValue(folder, out var to) ? to.Keys : [];

    public string Example(string from, string to) => edges[from][to];

    public void Add(string from, string to, string example)
    {
        if (!edges.TryGetValue(from, out var targets))
        {
            edges[from] = targets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        }
        targets.TryAdd(to, example);
    }

    /// <summary>Cycles through every folder that is on one, each as the path around it.</summary>
    public List<List<string>> Cycles()
    {
        var cycles = new List<List<string>>();
        var reported = new HashSet<string>();
        foreach (var start in Folders)
        {
            if (!reported.Contains(start) && CycleThrough(start) is { } cycle)
            {
                cycles.Add(cycle);
                reported.UnionWith(cycle);
            }
        }
        return cycles;
    }

    /// <summary>A shortest way from a folder back to itself (breadth first), or null.</summary>
    private List<string>? CycleThrough(string start)
    {
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var folder))
        {
            foreach (var next in UsesOf(folder))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var step = folder; step != start; step = previous[step])
                    {
                        path.Insert(1, step);
                    }
                    path.Add(start);
                    return path;
                }
                if (previous.TryAdd(next, folder))
                {
                    queue.Enqueue(next);
                }
            }
        }
        return null;
    }
}
