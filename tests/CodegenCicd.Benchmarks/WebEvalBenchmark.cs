using System.Diagnostics;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;


namespace CodegenCicd.Benchmarks;

/// <summary>
/// Time to evaluate one small page: cold (a new Chromium each time, as after a restart or a crash)
/// and warm (the process's browser reused, a fresh context per evaluation, the normal case).
///   dotnet run -c Release --project tests/CodegenCicd.Benchmarks -- webeval [iterations]
/// </summary>
public sealed class WebEvalBenchmark : IBenchmark
{
    public string Name => "webeval";

    public string Description => "evaluate a small page in Chromium, cold (new browser) vs warm (reused)";

    public async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 10;
        await using var site = await StartSiteAsync();
        var artifacts = Directory.CreateTempSubdirectory("codegencicd-bench-").FullName;
        var config = new WebEvalConfig { Pages = ["/"] };
        try
        {
            var cold = new List<TimeSpan>();
            for (var i = 0; i < iterations; i++)
            {
                // Disposing the host closes its browser: the next iteration launches a new one.
                await using var host = CreateHost(artifacts);
                cold.Add(await TimeAsync(host.Services, site.Url, config, Path.Combine(artifacts, $"cold-{i}")));
            }
            await using var warmHost = CreateHost(artifacts);
            await TimeAsync(warmHost.Services, site.Url, config, Path.Combine(artifacts, "warm-up"));
            var warm = new List<TimeSpan>();
            for (var i = 0; i < iterations; i++)
            {
                warm.Add(await TimeAsync(warmHost.Services, site.Url, config, Path.Combine(artifacts, $"warm-{i}")));
            }

            Console.WriteLine($"## Web evaluation of one small page ({Environment.ProcessorCount} cores)");
            Console.WriteLine();
            Console.WriteLine("| case | latency |");
            Console.WriteLine("| --- | --- |");
            Console.WriteLine($"| cold: launch Chromium, evaluate, close | {Percentiles.Of(cold)} |");
            Console.WriteLine($"| warm: reused browser, fresh context | {Percentiles.Of(warm)} |");
            Console.WriteLine();
            Console.WriteLine("Each evaluation includes the page's network-idle settle (≥ 500 ms), the full-page screenshot and writing report.json.");
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }

    private static async Task<TimeSpan> TimeAsync(IServiceProvider services, Uri url, WebEvalConfig config, string directory)
    {
        var stopwatch = Stopwatch.StartNew();
        var outcome = await services.GetRequiredService<IWebEvaluator>()
            .EvaluateAsync(new WebEvalRequest(url, config, directory), CancellationToken.None);
        stopwatch.Stop();
        if (outcome.Verdict != WebEvalVerdict.Passed)
        {
            throw new InvalidOperationException($"The benchmark page did not pass: {outcome.Summary}");
        }
        return stopwatch.Elapsed;
    }

    private static Host CreateHost(string artifacts)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Browser:ArtifactsRoot"] = artifacts });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddWebEval();
        return new Host(LoopbackServer.Create());
    }

    /// <summary>Disposed asynchronously, as the browser host requires.</summary>
    private sealed record Host(IHost Inner) : IAsyncDisposable
    {
        public IServiceProvider Services => Inner.Services;

        public ValueTask DisposeAsync() => ((IAsyncDisposable)Inner).DisposeAsync();
    }

    private sealed record Site(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task<Site> StartSiteAsync()
    {
        var app = LoopbackServer.Create();
        app.MapGet("/", () => Results.Content(
            "<!DOCTYPE html><html lang=\"en\"><head><title>Small</title></head><body><h1>Small page</h1><p>Hello.</p></body></html>", "text/html"));
        return new Site(app, await LoopbackServer.StartAsync(app));
    }
}
