using System.Text.Json.Nodes;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using CodegenCicd.Tests.Pipelines;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.EndToEnd;

/// <summary>
/// Everything a pull request meets, with nothing doubled inside the app: the fake GitHub (REST API,
/// App JWT, installation tokens), the sample app in a local git repository served over git's smart
/// HTTP on loopback as GitHub's web host (accepting only the fake's live installation tokens), and
/// the real app (webhook intake, delivery job, pipeline, bubblewrap sandbox, Chromium).
/// </summary>
public sealed class PullRequestScenario : IAsyncDisposable
{
    public const long InstallationId = 8642;
    public const int PullRequest = 12;

    public const string Config = """
        deploy:
          setup: ["npm ci --offline --no-audit --no-fund"]
          start: "npm start"
          ready_path: /
          timeout_seconds: 60
        analysis:
          commands: ["node --check server.js"]
        web_eval:
          pages: ["/", "/about"]
        merge:
          auto: true
          method: rebase
        """;

    private static int nextSandboxUser = 64000 + (Environment.ProcessId % 500) * 8;

    private readonly string served;

    private PullRequestScenario(FakeGitHub gitHub, FakeGitServer gitServer, GitFixture repo, string repository, string served)
    {
        this.served = served;
        GitHub = gitHub;
        GitServer = gitServer;
        Repo = repo;
        Repository = repository;
    }

    public FakeGitHub GitHub { get; }

    public FakeGitServer GitServer { get; }

    public GitFixture Repo { get; }

    public string Repository { get; }

    public GitHubAppFactory App { get; private set; } = null!;

    public Uri CloneUrl => new(GitServer.BaseUrl, Repository + ".git");

    public FakePullRequest PullRequestState => GitHub.PullRequests[(Repository, PullRequest)];

    /// <summary>A repository whose head commit adds the pipeline configuration to the sample app, and an app host pinned to it.</summary>
    /// <param name="configure">Adjusts the app host's settings before it starts.</param>
    public static async Task<PullRequestScenario> StartAsync(bool startApp = true, Action<GitHubAppFactory>? configure = null)
    {
        var repository = $"octo/e2e-{Guid.NewGuid():N}"[..20];
        var gitHub = await FakeGitHub.StartAsync();
        var repo = new GitFixture();
        // On main, which is also the PR's base branch: the merge section counts only from the base
        // (a PR cannot grant itself auto-merge), the rest is read at the head, here the same commit.
        repo.Commit("configure CodegenCICD", new() { [".github/codegen-cicd.yml"] = Config });
        var root = Directory.CreateTempSubdirectory("codegencicd-e2e-served-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "octo"));
        File.CreateSymbolicLink(Path.Combine(root, repository + ".git"), Path.Combine(repo.Folder, ".git"));
        // Like github.com: the clone URL takes any live token of the installation, nothing else.
        var gitServer = await FakeGitServer.StartAsync(root, token =>
            gitHub.TryAuthenticateInstallation("token " + token, out var installation) && installation == InstallationId);
        var scenario = new PullRequestScenario(gitHub, gitServer, repo, repository, root);
        gitHub.AddInstallation(InstallationId, "octo", repositories: new FakeRepository(77, repository));
        gitHub.GitRepositories[repository] = repo.Folder;
        gitHub.AddPullRequest(repository, PullRequest, repo.HeadSha).HeadRef = "feature/e2e";
        if (startApp)
        {
            await scenario.StartAppAsync(configure);
        }
        return scenario;
    }

    /// <summary>The app's configuration for this scenario (GitHub App on the fake, clones from the git server, private folders under <paramref name="dataDirectory"/>).</summary>
    public Dictionary<string, string> AppSettings(string dataDirectory) => new()
    {
        ["GitHub:AppId"] = GitHub.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GitHub:PrivateKey"] = GitHub.PrivateKeyPem,
        ["GitHub:WebhookSecret"] = GitHub.WebhookSecret,
        ["GitHub:ApiUrl"] = GitHub.BaseUrl.ToString(),
        ["GitHub:WebUrl"] = GitServer.BaseUrl.ToString(),
        ["GitHub:SyncInstallationsAtStartup"] = "false",
        ["Pipelines:PublicUrl"] = "https://ci.example.test/",
        ["Pipelines:RetryDelaySeconds"] = "0",
        ["Pipelines:InfrastructureRetries"] = "0",
        ["Browser:ArtifactsRoot"] = Path.Combine(dataDirectory, "artifacts"),
        ["Browser:NavigationTimeoutSeconds"] = "15",
        ["Sandbox:Root"] = Path.Combine(dataDirectory, "sandboxes"),
        // A uid of its own: RLIMIT_NPROC counts per user, so parallel tests never starve each other.
        ["Sandbox:UserId"] = Interlocked.Increment(ref nextSandboxUser).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task StartAppAsync(Action<GitHubAppFactory>? configure)
    {
        App = new GitHubAppFactory(GitHub);
        foreach (var (key, value) in AppSettings(App.DataDirectory))
        {
            App.Settings[key] = value;
        }
        configure?.Invoke(App);
        await App.QueryAsync(async db =>
        {
            db.Add(new Project { FullName = Repository, GitHubRepositoryId = 77, InstallationId = InstallationId, IsPinned = true });
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>A database at <paramref name="connectionString"/> with the schema and this repository pinned, for an app started as a process.</summary>
    public async Task SeedDatabaseAsync(string connectionString)
    {
        await using var seeder = new Infrastructure.AppFactory();
        seeder.Settings["ConnectionStrings:App"] = connectionString;
        await using var scope = seeder.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.Add(new Project { FullName = Repository, GitHubRepositoryId = 77, InstallationId = InstallationId, IsPinned = true });
        await db.SaveChangesAsync();
    }

    /// <summary>POSTs the <c>pull_request.opened</c> payload, signed with the App's secret.</summary>
    public async Task<HttpResponseMessage> OpenPullRequestAsync()
    {
        using var request = GitHubAppFactory.Delivery("pull_request", OpenedPayload(), GitHub.WebhookSecret);
        return await App.CreateAnonymousClient().SendAsync(request);
    }

    /// <summary>The <c>pull_request.opened</c> fixture, rewritten for this repository, installation and head.</summary>
    public string OpenedPayload()
    {
        var payload = JsonNode.Parse(GitHubAppFactory.Fixture("pull_request.opened.json"))!.AsObject();
        payload["number"] = PullRequest;
        payload["installation"] = new JsonObject { ["id"] = InstallationId };
        var repository = payload["repository"]!.AsObject();
        repository["id"] = 77;
        repository["full_name"] = Repository;
        repository["name"] = Repository.Split('/')[1];
        repository["clone_url"] = CloneUrl.ToString();
        var pull = payload["pull_request"]!.AsObject();
        pull["number"] = PullRequest;
        pull["draft"] = false;
        pull["head"]!["sha"] = PullRequestState.HeadSha;
        pull["head"]!["ref"] = PullRequestState.HeadRef;
        pull["base"]!["ref"] = "main";
        return payload.ToJsonString();
    }

    /// <summary>Polls the database until the PR's run is final and GitHub has been told everything (check runs and comment).</summary>
    public Task<PipelineRun> WaitForFinishedRunAsync(TimeSpan within) =>
        WaitForRunAsync(run => run.Status.IsFinal() && PipelineHarness.IsSettled(run), within);

    /// <summary>Polls the database until the PR's latest run satisfies <paramref name="done"/>, or fails describing it.</summary>
    public async Task<PipelineRun> WaitForRunAsync(Func<PipelineRun, bool> done, TimeSpan within) =>
        (await Poll.UntilAsync(
            () => App.QueryAsync(db => db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages).Include(r => r.Effects)
                .Where(r => r.Repository == Repository && r.PullRequest == PullRequest)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync()),
            run => run is not null && done(run),
            within,
            run => $"The run did not reach the expected state within {within.TotalSeconds} s. "
                + $"Run: {(run is null ? "none" : Pipelines.PipelineHarness.Describe(run))}. Check runs: {DescribeCheckRuns()}",
            TimeSpan.FromMilliseconds(100)))!;

    private string DescribeCheckRuns() =>
        string.Join("; ", GitHub.CheckRuns.Values.Select(c => $"{c.Name}={c.Status}/{c.Conclusion}: {c.Title} {c.Summary}"));

    public IReadOnlyList<FakeCheckRun> CheckRunsOfHead() =>
        [.. GitHub.CheckRuns.Values.Where(c => c.Repository == Repository && c.HeadSha == PullRequestState.HeadSha).OrderBy(c => c.Id)];

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            // Stops the preview's processes before the repository they came from goes away.
            await App.DisposeAsync();
        }
        await GitServer.DisposeAsync();
        await GitHub.DisposeAsync();
        Repo.Dispose();
        TempFolder.TryDelete(served);
    }
}
