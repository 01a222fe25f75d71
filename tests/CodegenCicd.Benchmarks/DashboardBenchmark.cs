using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

using AppEntry = CodegenCicd.Projects.ProjectCatalog;

namespace CodegenCicd.Benchmarks;

// WebApplicationFactory finds the app through any type of its assembly; this project's own
// top-level Program hides the app's, so a type from the app stands in for it (AppEntry).

/// <summary>
/// The projects dashboard with 200 pinned projects, each with a latest run (four stage badges),
/// two open PRs and an agent at work: server time per request through the in-process test server
/// (no network), p50/p99 over many requests after a warm-up. Target: under 200 ms.
/// </summary>
public sealed partial class DashboardBenchmark : IBenchmark
{
    private const string Password = "benchmark password";

    public string Name => "dashboard";

    public string Description => "GET /Projects with 200 projects: p50/p99 server time (target < 200 ms). Options: [requests=300]";

    public async Task RunAsync(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 300;
        var data = Directory.CreateTempSubdirectory("codegencicd-bench-");
        // An Exe project gets no content-root hint from Mvc.Testing; point it at the app's folder.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CODEGENCICD", Path.Combine(RepositoryRoot(), "src", "CodegenCicd"));
        try
        {
            await using var factory = new WebApplicationFactory<AppEntry>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Testing");
                b.UseSetting("ConnectionStrings:App", $"Data Source={Path.Combine(data.FullName, "app.db")}");
                b.UseSetting("Sandbox:Root", Path.Combine(data.FullName, "sandboxes"));
                b.UseSetting("Admin:Password", Password);
                b.UseSetting("Serilog:MinimumLevel:Default", "Warning");
                b.ConfigureTestServices(s => s.AddSingleton<IProjectActivity, BusyEverywhere>());
            });
            await SeedAsync(factory, 200);
            var client = factory.CreateClient(new() { AllowAutoRedirect = false });
            await SignInAsync(client);

            for (var i = 0; i < 30; i++)
            {
                await GetDashboardAsync(client);
            }
            var samples = new List<TimeSpan>(requests);
            for (var i = 0; i < requests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await GetDashboardAsync(client);
                samples.Add(Stopwatch.GetElapsedTime(started));
            }
            var figures = Percentiles.Of(samples);
            Console.WriteLine("| benchmark | projects | figures | target |");
            Console.WriteLine("| --- | --- | --- | --- |");
            Console.WriteLine($"| GET /Projects | 200 | {figures} | p99 < 200 ms: {(figures.P99Ms < 200 ? "met" : "MISSED")} |");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CodegenCicd.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Run from the repository (CodegenCicd.sln not found).");
    }

    private static async Task GetDashboardAsync(HttpClient client)
    {
        var response = await client.GetAsync("/Projects");
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK || !html.Contains("acme/repo-199", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The dashboard did not render all projects ({(int)response.StatusCode}).");
        }
    }

    private static async Task SeedAsync(WebApplicationFactory<AppEntry> factory, int count)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        for (var i = 0; i < count; i++)
        {
            db.Add(new Project
            {
                FullName = $"acme/repo-{i:000}",
                GitHubRepositoryId = 10_000 + i,
                InstallationId = 1,
                IsPinned = true,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
        }
        await db.SaveChangesAsync();
    }

    private static async Task SignInAsync(HttpClient client)
    {
        var form = await client.GetStringAsync("/Account/SignIn");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/Account/SignIn", new FormUrlEncodedContent(
            [new("Password", Password), new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>Every project has a run going, open PRs and an agent: the heaviest cards to render.</summary>
    private sealed class BusyEverywhere : IProjectActivity
    {
        public Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
        {
            IReadOnlyDictionary<int, ProjectActivity> result = projectIds.ToDictionary(id => id, id => new ProjectActivity(
                new RunSummary(id, 7, "0123456789abcdef", "in_progress", DateTimeOffset.UtcNow,
                    [new("analysis", "success"), new("deploy", "success"), new("web-eval", "in_progress"), new("merge", "queued")],
                    $"/preview/acme/repo/{id}/", IsActive: true),
                [new(7, "Improve checkout", "in_progress"), new(8, "Fix typo", "success")],
                new AgentRunSummary(id, "running", "Add dark mode")));
            return Task.FromResult(result);
        }
    }
}
