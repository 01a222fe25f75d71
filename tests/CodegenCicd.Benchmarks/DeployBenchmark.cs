using System.Diagnostics;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Benchmarks;

/// <summary>
/// Cold deploy (checkout, setup, snapshot, start, ready) against warm deploy (checkout, snapshot
/// restore, start, ready) of the tests' sample Node app, in real bubblewrap sandboxes.
/// <c>--runs N</c> (default 5); <c>--files N</c> adds a synthetic dependency tree of N files to
/// setup (default 5000, like a small node_modules), which is what snapshots exist to skip.
/// </summary>
public sealed class DeployBenchmark : IBenchmark
{
    public string Name => "deploy";

    public string Description => "cold vs warm (snapshot) preview deploy of the sample Node app";

    public async Task RunAsync(string[] args)
    {
        var runs = Option(args, "--runs", 5);
        var files = Option(args, "--files", 5000);
        // WebApplicationFactory finds the app's content root through this variable when run outside a test project.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CODEGENCICD", SampleRepository.FindAbove(Path.Combine("src", "CodegenCicd")));
        using var factory = new BenchmarkFactory();
        _ = factory.CreateClient();
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        var repo = SampleRepository.Create();
        var config = new DeployConfig
        {
            Setup = files > 0
                ? ["npm ci --offline --no-audit --no-fund", $"node -e \"const fs=require('fs');for(let i=0;i<{files};i++){{const d='node_modules/dep'+(i%100);fs.mkdirSync(d,{{recursive:true}});fs.writeFileSync(d+'/f'+i+'.js','module.exports='+i+';\\n'.repeat(20))}}\""]
                : ["npm ci --offline --no-audit --no-fund"],
            Start = "npm start",
            TimeoutSeconds = 300,
        };

        var cold = new List<TimeSpan>();
        var warm = new List<TimeSpan>();
        for (var run = 0; run < runs; run++)
        {
            // A repository name of its own makes a new snapshot key: nothing to restore.
            cold.Add(await TimeDeployAsync(deployments, repo, $"bench/cold-{run}-{Guid.NewGuid():N}"[..30], config, expectRestored: false));
            warm.Add(await TimeDeployAsync(deployments, repo, "bench/warm", config, expectRestored: run > 0 || warm.Count > 0));
        }
        // The first "warm" run built the snapshot; time warm runs only after it exists.
        warm.RemoveAt(0);
        warm.Add(await TimeDeployAsync(deployments, repo, "bench/warm", config, expectRestored: true));

        var coldStats = Percentiles.Of(cold);
        var warmStats = Percentiles.Of(warm);
        Console.WriteLine($"## Deploy: cold vs warm (sample app, setup + {files} synthetic dependency files)");
        Console.WriteLine();
        Console.WriteLine("| deploy | figures |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine($"| cold (setup runs, snapshot kept) | {coldStats} |");
        Console.WriteLine($"| warm (snapshot restored, setup skipped) | {warmStats} |");
        Console.WriteLine();
        Console.WriteLine($"Median speed-up: {coldStats.P50Ms / warmStats.P50Ms:F1}x");
        Directory.Delete(repo, recursive: true);
    }

    private static async Task<TimeSpan> TimeDeployAsync(IPreviewDeployments deployments, string repo, string repository, DeployConfig config, bool expectRestored)
    {
        var head = SampleRepository.Head(repo);
        var clock = Stopwatch.StartNew();
        var result = await deployments.DeployAsync(
            new SandboxSource(1, repository, 1, head, new Uri("file://" + repo), null, new Dictionary<string, string>()), config, CancellationToken.None);
        var elapsed = clock.Elapsed;
        if (!result.Succeeded || result.SnapshotRestored != expectRestored && expectRestored)
        {
            throw new InvalidOperationException($"deploy of {repository} did not go as expected: {result.Error} (restored: {result.SnapshotRestored})");
        }
        await deployments.TeardownAsync(repository, 1, CancellationToken.None);
        return elapsed;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }

    // Any type of the app assembly names its entry point; this project has a Program of its own.
    private sealed class BenchmarkFactory : WebApplicationFactory<SandboxOptions>
    {
        private readonly string data = Directory.CreateTempSubdirectory("codegencicd-bench-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Benchmark");
            builder.UseSetting("ConnectionStrings:App", $"Data Source={Path.Combine(data, "app.db")}");
            builder.UseSetting("Sandbox:Root", Path.Combine(data, "sandboxes"));
            builder.UseSetting("Admin:Password", "benchmark-password");
            builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}

/// <summary>A git repository holding the tests' sample app (tests/CodegenCicd.Tests/Fixtures/sample-app).</summary>
internal static class SampleRepository
{
    public static string Create()
    {
        var fixture = FindFixture();
        var folder = Directory.CreateTempSubdirectory("codegencicd-bench-repo-").FullName;
        foreach (var file in Directory.EnumerateFiles(fixture))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        Git(folder, "init", "-q", "-b", "main");
        Git(folder, "add", "-A");
        Git(folder, "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "sample app");
        return folder;
    }

    public static string Head(string folder) => Git(folder, "rev-parse", "HEAD").Trim();

    private static string FindFixture() => FindAbove(Path.Combine("tests", "CodegenCicd.Tests", "Fixtures", "sample-app"));

    public static string FindAbove(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    private static string Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException("git " + string.Join(' ', args) + " failed");
    }
}
