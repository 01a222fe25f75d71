using System.Diagnostics;
using System.Globalization;
using CodegenCicd.Tests.Pipelines;

namespace CodegenCicd.Benchmarks;

/// <summary>
/// Webhook-to-first-check-run and webhook-to-merge latency for the sample app: each sample is a
/// fresh app host, fake GitHub and sample repository; the sandbox and browser are the test doubles,
/// so the figures measure the pipeline's own overhead (jobs, database, GitHub calls).
/// </summary>
public sealed class PipelineBenchmark : IBenchmark
{
    public string Name => "pipeline";

    public string Description => "time from a pull_request webhook to the first check run and to the merge (args: [samples=10])";

    public async Task RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        UseAppContentRoot();
        var toFirstCheck = new List<TimeSpan>();
        var toMerge = new List<TimeSpan>();
        for (var i = 0; i < samples; i++)
        {
            await using var harness = await PipelineHarness.StartAsync();
            var app = await harness.StartAppAsync();
            var clock = Stopwatch.StartNew();
            await harness.DeliverAsync(app, "pull_request.opened");
            await WaitAsync(() => !harness.GitHub.CheckRuns.IsEmpty);
            toFirstCheck.Add(clock.Elapsed);
            await WaitAsync(() => !harness.GitHub.Merges.IsEmpty);
            toMerge.Add(clock.Elapsed);
        }
        Console.WriteLine("| measure | figures |\n| --- | --- |");
        Console.WriteLine($"| webhook → first check run | {Percentiles.Of(toFirstCheck)} |");
        Console.WriteLine($"| webhook → merge | {Percentiles.Of(toMerge)} |");
    }

    /// <summary>WebApplicationFactory finds the app's folder from the test project's manifest; from here, say where it is.</summary>
    private static void UseAppContentRoot()
    {
        const string Variable = "ASPNETCORE_TEST_CONTENTROOT_CODEGENCICD";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CodegenCicd.sln")))
        {
            directory = directory.Parent;
        }
        if (Environment.GetEnvironmentVariable(Variable) is null && directory is not null)
        {
            Environment.SetEnvironmentVariable(Variable, Path.Combine(directory.FullName, "src", "CodegenCicd"));
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The pipeline did not get there within 60 s.");
            }
            await Task.Delay(2);
        }
    }
}
