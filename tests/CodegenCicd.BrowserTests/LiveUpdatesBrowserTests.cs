using CodegenCicd.BrowserTests.Infrastructure;
using CodegenCicd.Notifications;
using CodegenCicd.Projects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CodegenCicd.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class LiveUpdatesBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task StageCompletes_CardUpdatesWithoutReload_AndANewlyPinnedProjectAppears()
    {
        var activity = new ScriptedActivity();
        using var app = new LiveApp(services => services.AddSingleton<IProjectActivity>(activity));
        var id = await app.AddProjectAsync("acme/live", pinned: true);
        activity.ProjectId = id;
        activity.Deploy = "in_progress";
        var otherId = await app.AddProjectAsync("acme/live-other", pinned: false);
        var page = await chromium.SignedInPageAsync(app);
        await page.GotoAsync("/Projects");
        var card = page.GetByRole(AriaRole.Article, new() { Name = "acme/live", Exact = true });
        var deployBadge = card.Locator(".stages .badge", new() { HasText = "deploy" });
        await Assertions.Expect(deployBadge).ToHaveClassAsync("badge in_progress");
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        activity.Deploy = "success";
        app.Services.GetRequiredService<LiveEvents>().Publish("stage.updated", new { projectId = id, runId = 12, stage = "deploy", status = "success" });

        await Assertions.Expect(deployBadge).ToHaveClassAsync("badge success");
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProjectCatalog>().PinAsync("acme/live-other", CancellationToken.None);
        }
        await Assertions.Expect(page.Locator($"#project-{otherId}")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"));
        await Chromium.ScreenshotAsync(page, "projects-dashboard-live");
    }

    [Fact]
    public async Task AfterTheConnectionDrops_ThePageReconnects_AndCatchesUpOnWhatItMissed()
    {
        var activity = new ScriptedActivity();
        using var app = new LiveApp(services => services.AddSingleton<IProjectActivity>(activity));
        activity.ProjectId = await app.AddProjectAsync("acme/reconnect", pinned: true);
        activity.Deploy = "in_progress";
        var page = await chromium.SignedInPageAsync(app);
        await page.GotoAsync("/Projects");
        var deployBadge = page.Locator(".stages .badge", new() { HasText = "deploy" });
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");

        // Offline first, so the browser cannot reconnect until the test says so; then cut the stream.
        await page.Context.SetOfflineAsync(true);
        app.Connections.DropAll();
        await Assertions.Expect(page.Locator("#live-status")).Not.ToHaveTextAsync("Live");
        // Published while the page is offline: this event never reaches it.
        activity.Deploy = "failure";
        app.Services.GetRequiredService<LiveEvents>().Publish("stage.updated", new { projectId = activity.ProjectId, runId = 12, stage = "deploy", status = "failure" });
        await page.Context.SetOfflineAsync(false);

        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live", new() { Timeout = 20_000 });
        await Assertions.Expect(deployBadge).ToHaveClassAsync("badge failure");
    }

    /// <summary>The pipeline's read model as the test scripts it: one run whose deploy stage moves on.</summary>
    private sealed class ScriptedActivity : IProjectActivity
    {
        public volatile string Deploy = "queued";

        public volatile int ProjectId;

        public Task<IReadOnlyDictionary<int, ProjectActivity>> GetAsync(IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
        {
            var run = new RunSummary(12, 3, "0123456789abcdef", "in_progress", DateTimeOffset.UtcNow,
                [new StageBadge("analysis", "success"), new StageBadge("deploy", Deploy), new StageBadge("web-eval", "queued")],
                "/preview/acme/live/3/", IsActive: true);
            IReadOnlyDictionary<int, ProjectActivity> result = projectIds.Where(id => id == ProjectId)
                .ToDictionary(id => id, _ => new ProjectActivity(run, [new PullRequestSummary(3, "Faster checkout", "in_progress")], null));
            return Task.FromResult(result);
        }
    }
}
