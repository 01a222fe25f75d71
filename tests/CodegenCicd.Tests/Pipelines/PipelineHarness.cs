using System.Text.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using CodegenCicd.WebEval;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>
/// One pipeline scenario: the fake GitHub, a sample app in a local git repository, the sandbox and
/// browser doubles, and app hosts that share one SQLite file (so a test can "kill" a host and start another).
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public const long InstallationId = 4321;

    private readonly string databaseDirectory = Directory.CreateTempSubdirectory("codegencicd-pipeline-").FullName;
    private readonly List<AppFactory> apps = [];

    private PipelineHarness(FakeGitHub gitHub) => GitHub = gitHub;

    public FakeGitHub GitHub { get; }

    public SampleRepository Sample { get; } = new();

    public FakeDeployments Deployments { get; } = new();

    public FakeWebEvaluator WebEval { get; } = new();

    /// <summary>Octokit calls take the app's GitHub HTTP pipeline (its retries), not a plain client.</summary>
    public bool UseAppHttpPipeline { get; set; }

    /// <summary>Extra test services for the app hosts (e.g. an outcome listener).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public string Repository { get; } = $"octo/sample-{Guid.NewGuid():N}"[..24];

    public int PullRequest { get; } = 7;

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Pipelines:PublicUrl"] = "https://ci.example.test/",
        ["Pipelines:StageLeaseSeconds"] = "5",
        ["Pipelines:RetryDelaySeconds"] = "0",
        ["Pipelines:InfrastructureRetries"] = "1",
    };

    public static async Task<PipelineHarness> StartAsync()
    {
        var harness = new PipelineHarness(await FakeGitHub.StartAsync());
        harness.GitHub.GitRepositories[harness.Repository] = harness.Sample.Directory;
        var pr = harness.GitHub.AddPullRequest(harness.Repository, harness.PullRequest, harness.Sample.HeadSha);
        pr.HeadRef = "feature/greeting";
        return harness;
    }

    public FakePullRequest PullRequestState => GitHub.PullRequests[(Repository, PullRequest)];

    /// <summary>Starts an app host on the shared database with the project pinned.</summary>
    public async Task<AppFactory> StartAppAsync()
    {
        var app = new HarnessFactory(this);
        app.Settings["ConnectionStrings:App"] = $"Data Source={Path.Combine(databaseDirectory, "app.db")}";
        app.Settings["Browser:ArtifactsRoot"] = Path.Combine(databaseDirectory, "reports");
        app.Settings["GitHub:ApiUrl"] = GitHub.BaseUrl.ToString();
        foreach (var (key, value) in Settings)
        {
            app.Settings[key] = value;
        }
        apps.Add(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (!await db.Set<Project>().AnyAsync(p => p.FullName == Repository))
        {
            db.Add(new Project
            {
                FullName = Repository,
                GitHubRepositoryId = 99,
                InstallationId = InstallationId,
                IsPinned = true,
                Settings = new ProjectSettings { Pipeline = new PipelineConfig { Merge = new MergeConfig { Auto = false } } },
            });
            await db.SaveChangesAsync();
        }
        return app;
    }

    /// <summary>The scenario's database opened without an app host, as a stopped or crashed process left it.</summary>
    public AppDbContext OpenDatabase() => new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>()
        .UseSqlite($"Data Source={Path.Combine(databaseDirectory, "app.db")}").Options);

    /// <summary>Hands a fixture payload, patched to this scenario, to the app's webhook handlers like the delivery job does.</summary>
    public async Task DeliverAsync(AppFactory app, string fixture, string? deliveryId = null, Action<JsonObject>? patch = null)
    {
        var payload = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "github-webhooks", fixture + ".json")))!.AsObject();
        var eventName = fixture.Split('.')[0];
        var pr = PullRequestState;
        payload["installation"] = new JsonObject { ["id"] = InstallationId };
        var repository = payload["repository"]!.AsObject();
        repository["full_name"] = Repository;
        repository["name"] = Repository.Split('/')[1];
        repository["clone_url"] = Sample.CloneUrl.ToString();
        if (payload["pull_request"] is JsonObject pull)
        {
            payload["number"] = PullRequest;
            pull["number"] = PullRequest;
            pull["draft"] = pr.Draft;
            pull["head"]!["sha"] = pr.HeadSha;
            pull["head"]!["ref"] = pr.HeadRef;
            pull["base"]!["ref"] = pr.BaseRef;
            pull["labels"] = new JsonArray([.. pr.Labels.Select(l => (JsonNode)new JsonObject { ["name"] = l })]);
        }
        patch?.Invoke(payload);
        await DeliverEventAsync(app, eventName, payload, deliveryId);
    }

    /// <summary>Hands a payload built by the test (for events the fixtures lack) to the app's handlers.</summary>
    public async Task DeliverEventAsync(AppFactory app, string eventName, JsonObject payload, string? deliveryId = null)
    {
        var json = JsonDocument.Parse(payload.ToJsonString()).RootElement;
        var webhookEvent = new WebhookEvent(deliveryId ?? Guid.NewGuid().ToString(), eventName, payload["action"]?.GetValue<string>(),
            InstallationId, Repository, json);
        await using var scope = app.Services.CreateAsyncScope();
        foreach (var handler in scope.ServiceProvider.GetServices<IWebhookEventHandler>().Where(h => h.Events.Contains(eventName)))
        {
            await handler.HandleAsync(webhookEvent, CancellationToken.None);
        }
    }

    public static async Task<List<PipelineRun>> RunsAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages).Include(r => r.Effects).OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>Polls the database until a run satisfies <paramref name="done"/>, or fails with what the runs look like.</summary>
    public static async Task<PipelineRun> WaitForRunAsync(AppFactory app, Func<PipelineRun, bool> done, TimeSpan? timeout = null)
    {
        var runs = await Poll.UntilAsync(
            () => RunsAsync(app),
            runs => runs.Any(done),
            timeout ?? TimeSpan.FromSeconds(30),
            runs => "No run reached the expected state. Runs: " + string.Join("; ", runs.Select(Describe)),
            TimeSpan.FromMilliseconds(50));
        return runs.First(done);
    }

    /// <summary>
    /// A run that reached <paramref name="status"/> and finished telling GitHub (no effect left in the outbox:
    /// check runs synced, PR comment and listeners done), a merge gate's timed re-check aside.
    /// </summary>
    public static Task<PipelineRun> WaitForSettledRunAsync(AppFactory app, RunStatus status, Func<PipelineRun, bool>? also = null) =>
        WaitForRunAsync(app, r => r.Status == status && IsSettled(r) && (also?.Invoke(r) ?? true));

    /// <summary>Nothing left in the outbox for the run (loaded with its effects), a merge gate's timed re-check aside.</summary>
    public static bool IsSettled(PipelineRun run) => run.Effects.All(e => e.Kind == EffectKind.RecheckMerge);

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Poll.UntilAsync(condition, timeout ?? TimeSpan.FromSeconds(30), what, TimeSpan.FromMilliseconds(50));

    public static string Describe(PipelineRun run) =>
        $"#{run.Id} {run.HeadSha[..7]} {run.Status} ({run.StatusReason}): " +
        string.Join(", ", run.Stages.OrderBy(s => s.Kind).Select(s => $"{s.Kind}={s.Status}/{s.Conclusion}/{s.Title}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
        await GitHub.DisposeAsync();
        Sample.Dispose();
        TempFolder.TryDelete(databaseDirectory);
    }

    private sealed class HarnessFactory(PipelineHarness harness) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IGitHubAppClients>();
                services.AddSingleton<IGitHubAppClients>(sp => new FakeGitHubClients(harness.GitHub,
                    harness.UseAppHttpPipeline ? sp.GetRequiredService<IHttpMessageHandlerFactory>() : null));
                services.RemoveAll<IPreviewDeployments>();
                services.AddSingleton<IPreviewDeployments>(harness.Deployments);
                services.RemoveAll<IWebEvaluator>();
                services.AddSingleton<IWebEvaluator>(harness.WebEval);
                harness.ConfigureServices?.Invoke(services);
            });
        }
    }
}
