using System.Text.RegularExpressions;
using CodegenCicd.BrowserTests.Infrastructure;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CodegenCicd.BrowserTests;

/// <summary>
/// A real preview (the sample app in a bubblewrap sandbox) opened in Chromium. The preview is served
/// with a sandbox CSP, so everything its page loads is cross-site to the browser and carries no
/// admin cookie: only a browser shows whether its scripts, styles, API calls and WebSockets work.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PreviewBrowserTests(Chromium chromium)
{
    private static readonly DeployConfig SampleConfig = new()
    {
        Setup = ["npm ci --offline --no-audit --no-fund"],
        Start = "npm start",
        ReadyPath = "/",
        TimeoutSeconds = 60,
    };

    [Fact]
    public async Task StablePreviewLink_OpensTheApp_WhoseStylesheetScriptFetchesAndWebSocketAllWork_AndTheCardLinksThere()
    {
        using var app = new LiveApp();
        using var repo = new SampleRepository();
        var repository = $"acme/preview-{Guid.NewGuid():N}"[..24];
        var deployments = app.Services.GetRequiredService<IPreviewDeployments>();
        var deployed = await deployments.DeployAsync(
            new SandboxSource(1, repository, 5, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>()), SampleConfig, default);
        try
        {
            Assert.True(deployed.Succeeded, deployed.Error);
            var page = await chromium.SignedInPageAsync(app);

            // What clicking the link in the PR comment does: a top-level navigation to the stable path.
            await page.GotoAsync(deployed.PreviewPath + "browser");

            await Assertions.Expect(page.Locator("#script")).ToHaveTextAsync("script: ok");
            await Assertions.Expect(page.Locator("#stylesheet")).ToHaveTextAsync("stylesheet: ok");
            await Assertions.Expect(page.Locator("#fetch")).ToHaveTextAsync("fetch: hello from the API");
            await Assertions.Expect(page.Locator("#post")).ToHaveTextAsync("post: hello from the API");
            await Assertions.Expect(page.Locator("#websocket")).ToHaveTextAsync("websocket: echo: hi (without a cookie)");
            Assert.Matches($"^{Regex.Escape(app.BaseUrl)}/p/[A-Za-z0-9_-]{{32}}/browser$", page.Url);
            await Chromium.ScreenshotAsync(page, "preview-browser-check");

            // The project card's link is the stable path too.
            var projectId = await app.AddProjectAsync(repository, pinned: true);
            await SeedDeployedRunAsync(app, projectId, repository, repo.HeadSha, deployed.PreviewPath!);
            await page.GotoAsync("/Projects");
            await page.GetByRole(AriaRole.Article, new() { Name = repository }).GetByRole(AriaRole.Link, new() { Name = "Open preview" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sample app" })).ToBeVisibleAsync();
            Assert.Matches(CapabilityRoot(), page.Url);
            await page.GetByRole(AriaRole.Link, new() { Name = "About" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "About" })).ToBeVisibleAsync();
        }
        finally
        {
            await deployments.TeardownAsync(repository, 5, default);
        }
    }

    [GeneratedRegex("/p/[A-Za-z0-9_-]{32}/$")]
    private static partial Regex CapabilityRoot();

    private static async Task SeedDeployedRunAsync(LiveApp app, int projectId, string repository, string headSha, string previewPath)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        db.Add(new PipelineRun
        {
            ProjectId = projectId,
            Repository = repository,
            PullRequest = 5,
            HeadSha = headSha,
            HeadBranch = "feature/preview",
            BaseBranch = "main",
            CloneUrl = "file:///nowhere",
            Trigger = "pull_request.opened",
            Status = RunStatus.Running,
            ActiveKey = PipelineRun.ActiveKeyFor(projectId, 5, headSha),
            PreviewPath = previewPath,
            CreatedAt = now,
            StartedAt = now,
            Stages = [new() { Kind = StageKind.Deploy, Status = StageStatus.Completed, Conclusion = StageConclusion.Success, Attempt = 1, StartedAt = now, CompletedAt = now }],
        });
        await db.SaveChangesAsync();
    }
}
