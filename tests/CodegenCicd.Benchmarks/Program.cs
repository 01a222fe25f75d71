using System.Reflection;
using CodegenCicd.Benchmarks;

// Load and latency benchmarks, run on demand (not in CI):
//   dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- NAME [options]
// Each benchmark is one IBenchmark class in this folder; it prints its figures as Markdown.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

var chosen = benchmarks.FirstOrDefault(b => args.Length > 0 && b.Name == args[0]);
if (chosen is null)
{
    Console.WriteLine("usage: dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- NAME");
    foreach (var benchmark in benchmarks)
    {
        Console.WriteLine($"  {benchmark.Name,-16} {benchmark.Description}");
    }
    return args.Length == 0 ? 0 : 2;
}
await chosen.RunAsync(args[1..]);
return 0;
