using System.Net;
using CodegenCicd.GitHub;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using CodegenCicd.Tests.Pipelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

public sealed class SettingsPageTests
{
    private static Dictionary<string, string> ValidForm(string branch = "main") => new()
    {
        ["Tab"] = "general",
        ["Form.DefaultBranch"] = branch,
        ["Form.PlanningStatement"] = "Small PRs, tests first.",
        ["Form.MaxIterations"] = "4",
        ["Form.SetupCommands"] = "npm ci\n\nnpm run build",
        ["Form.StartCommand"] = "npm start",
        ["Form.ReadyPath"] = "/health",
        ["Form.TimeoutSeconds"] = "300",
        ["Form.MergeMethod"] = "Rebase",
        ["Form.BlockLabels"] = "do-not-merge\nwip",
        ["Form.WebEvalPages"] = "/\n/about",
        ["Form.AutoMerge"] = "true",
    };

    [Fact]
    public async Task SavingEveryTab_StoresAllTheSettings()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/settings-ok", pinned: true);
        var client = await factory.CreateSignedInClientAsync();

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", ValidForm("develop"));
        var project = await ProjectSeed.LoadAsync(factory, id);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("develop", project.DefaultBranch);
        Assert.Equal(["npm ci", "npm run build"], project.Settings.Pipeline.Deploy.Setup);
        Assert.Equal(MergeMethod.Rebase, project.Settings.Pipeline.Merge.Method);
        Assert.True(project.Settings.Pipeline.Merge.Auto);
        Assert.Equal(["/", "/about"], project.Settings.Pipeline.WebEval.Pages);
        Assert.Equal(4, project.Settings.MaxIterations);
    }

    [Fact]
    public async Task WebEvalTab_SavesFollowLinksAndExpectations_AndShowsThemAgain()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/settings-expect", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        var form = ValidForm();
        form["Form.WebEvalFollowLinks"] = "2";
        form["Form.WebEvalExpect"] = "/about | h1 | About us\n\n/ | | Welcome | friend\n/login | form#sign-in";

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", form);
        var webEval = (await ProjectSeed.LoadAsync(factory, id)).Settings.Pipeline.WebEval;
        var html = await client.GetStringAsync($"/Projects/Settings/{id}?tab=webeval");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(2, webEval.FollowLinks);
        Assert.Equal([new PageExpectation { Selector = "h1", Text = "About us" }], webEval.Expect["/about"]);
        Assert.Equal([new PageExpectation { Text = "Welcome | friend" }], webEval.Expect["/"]);
        Assert.Equal([new PageExpectation { Selector = "form#sign-in" }], webEval.Expect["/login"]);
        Assert.Contains("/about | h1 | About us", html, StringComparison.Ordinal);
        Assert.Contains("/login | form#sign-in", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Form.WebEvalFollowLinks\" value=\"2\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebEvalTab_AnExpectationWithoutAPath_IsRefusedOnItsTab()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/settings-expect-bad", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        var form = ValidForm();
        form["Form.WebEvalExpect"] = "about | h1";

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must start with &#x27;/&#x27;", html, StringComparison.Ordinal);
        Assert.Contains("aria-controls=\"panel-webeval\" aria-selected=\"true\"", html, StringComparison.Ordinal);
        Assert.Empty((await ProjectSeed.LoadAsync(factory, id)).Settings.Pipeline.WebEval.Expect);
    }

    [Fact]
    public async Task BadValues_ShowMessagesNextToFields_OnTheirTab_AndSaveNothing()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/settings-bad", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        var form = ValidForm();
        form["Form.ReadyPath"] = "health";
        form["Form.MaxIterations"] = "99";
        form["Form.TimeoutSeconds"] = "soon";

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", form);
        var html = await response.Content.ReadAsStringAsync();
        var project = await ProjectSeed.LoadAsync(factory, id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Nothing was saved", html, StringComparison.Ordinal);
        Assert.Contains("The ready path must start with &#x27;/&#x27;", html, StringComparison.Ordinal);
        Assert.Contains("Max fix iterations must be between 1 and 20.", html, StringComparison.Ordinal);
        Assert.Contains("data-valmsg-for=\"Form.TimeoutSeconds\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"health\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"tab-general\" href=\"?tab=general\" aria-controls=\"panel-general\" aria-selected=\"true\"", html, StringComparison.Ordinal);
        Assert.Equal("", project.Settings.PlanningStatement);
        Assert.Empty(project.Settings.Pipeline.Deploy.Setup);
    }

    [Fact]
    public async Task EmptyRequiredFields_AreExplainedInTheSitesWords_NotTheFrameworks()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/settings-empty", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        var form = ValidForm();
        form["Form.DefaultBranch"] = "";
        form["Form.TimeoutSeconds"] = "";
        form["Form.WebEvalFollowLinks"] = "deep";

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", form);
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The default branch is needed: the branch pull requests merge into, e.g. main.", html, StringComparison.Ordinal);
        Assert.Contains("This field needs a value.", html, StringComparison.Ordinal);
        Assert.Contains("“deep” is not a valid value for Follow links (depth).", html, StringComparison.Ordinal);
        Assert.DoesNotContain("The DefaultBranch field is required.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("The value '' is invalid.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunNow_WhenTheSandboxCannotStart_SaysWhyAndHowToFixIt()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/run-now-none", pinned: true);
        await using var github = await FakeGitHub.StartAsync();
        github.Branches[("acme/run-now-none", "main")] = new string('b', 40);
        await SetInstallationAsync(factory, id, 78);
        var sandbox = new RecordingDeployments { Unavailable = "bubblewrap (bwrap) not found: apt-get install bubblewrap" };
        using var withSandbox = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IPreviewDeployments>(sandbox);
            s.AddSingleton<IGitHubAppClients>(new FakeGitHubClients(github));
        }));
        var client = withSandbox.CreateClient(new() { AllowAutoRedirect = false });
        await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });
        await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", ValidForm());

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?tab=deploy&handler=RunNow", []);

        Assert.Contains("The sandbox could not run them: bubblewrap (bwrap) not found: apt-get install bubblewrap",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunNow_RunsSavedSetupCommandsOnTheTestBranchHead_AndStreamsTheirOutput()
    {
        await using var github = await FakeGitHub.StartAsync();
        var head = new string('a', 40);
        github.Branches[("acme/run-now", "try-setup")] = head;
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/run-now", pinned: true);
        await SetInstallationAsync(factory, id, 77);
        var sandbox = new RecordingDeployments();
        using var withSandbox = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IPreviewDeployments>(sandbox);
            s.AddSingleton<IGitHubAppClients>(new FakeGitHubClients(github));
        }));
        var client = withSandbox.CreateClient(new() { AllowAutoRedirect = false });
        await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });
        var form = ValidForm();
        form["Form.DeployTestBranch"] = "try-setup";
        await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", form);

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?tab=deploy&handler=RunNow", []);
        var output = await response.Content.ReadAsStringAsync();

        Assert.Equal(head, sandbox.Source!.HeadSha);
        Assert.Equal(77, sandbox.Source.InstallationId);
        Assert.Equal(new Uri("https://github.com/acme/run-now.git"), sandbox.Source.CloneUrl);
        Assert.Equal(["npm ci", "npm run build"], sandbox.Config!.Setup);
        Assert.Contains("$ npm ci\nadded 12 packages", output, StringComparison.Ordinal);
        Assert.Contains("All setup commands succeeded.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunNow_WithoutAnInstallation_SaysTheBranchCannotBeFetched()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/run-now-orphan", pinned: true);
        await SetInstallationAsync(factory, id, null);
        var sandbox = new RecordingDeployments();
        using var withSandbox = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPreviewDeployments>(sandbox)));
        var client = withSandbox.CreateClient(new() { AllowAutoRedirect = false });
        await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });
        await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", ValidForm());

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?tab=deploy&handler=RunNow", []);

        Assert.Contains("has no GitHub App installation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(sandbox.Source);
    }

    private static async Task SetInstallationAsync(AppFactory factory, int projectId, long? installationId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CodegenCicd.Data.AppDbContext>();
        var project = await db.Set<Project>().SingleAsync(p => p.Id == projectId);
        project.InstallationId = installationId;
        await db.SaveChangesAsync();
    }

    private sealed class RecordingDeployments : IPreviewDeployments
    {
        public SandboxSource? Source { get; private set; }

        public DeployConfig? Config { get; private set; }

        /// <summary>When set, preparing fails as the sandbox itself failing (an infrastructure error).</summary>
        public string? Unavailable { get; init; }

        public Task<AnalysisResult> AnalyzeAsync(SandboxSource source, AnalysisConfig config, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Run now only prepares.");

        public Task<DeployResult> DeployAsync(SandboxSource source, DeployConfig config, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Run now only prepares; it never serves the app.");

        public Task<DeployResult> PrepareAsync(SandboxSource source, DeployConfig config, CancellationToken cancellationToken)
        {
            (Source, Config) = (source, config);
            if (Unavailable is not null)
            {
                return Task.FromResult(new DeployResult(false, [], false, null, null, null, InfrastructureError: true, Error: Unavailable));
            }
            var commands = config.Setup.Select(c => new CommandResult(c, 0, TimeSpan.FromSeconds(1.5), c == "npm ci" ? "added 12 packages" : "built", false)).ToList();
            return Task.FromResult(new DeployResult(true, commands, false, "key", null, null));
        }

        public Task TeardownAsync(string repository, int pullRequest, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
