using CodegenCicd.BrowserTests.Infrastructure;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CodegenCicd.BrowserTests;

/// <summary>The pipeline's and Codegen's pages as the admin sees them, fed by what those features write.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunPagesBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task RunPageAndRunsList_WhenAStageCompletes_ShowItWithoutReloading()
    {
        using var app = new LiveApp();
        var projectId = await app.AddProjectAsync("acme/run-live", pinned: true);
        var runId = await SeedRunAsync(app, projectId, reportPath: null);
        var page = await chromium.SignedInPageAsync(app);

        await page.GotoAsync("/Runs");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"#{runId}" })).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "runs-list");
        await page.GotoAsync($"/Runs/{runId}");
        var deploy = page.Locator("#stage-deploy h3 .badge");
        await Assertions.Expect(deploy).ToHaveClassAsync("badge in_progress");
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        // The way a stage job ends a stage: through the pipeline's store, which publishes stage.updated.
        await ChangeStagesAsync(app, runId, run =>
        {
            var now = DateTimeOffset.UtcNow;
            run.Stages.Single(s => s.Kind == StageKind.Deploy).Complete(StageConclusion.Success, "Deployed", "Answered on /health in 0.4 s", now);
            run.Stages.Single(s => s.Kind == StageKind.WebEval).MoveTo(StageStatus.InProgress, now);
        });

        await Assertions.Expect(deploy).ToHaveClassAsync("badge success");
        await Assertions.Expect(page.Locator("#stage-deploy")).ToContainTextAsync("Answered on /health in 0.4 s");
        await Assertions.Expect(page.Locator("#stage-web-eval h3 .badge")).ToHaveClassAsync("badge in_progress");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"));
        await Chromium.ScreenshotAsync(page, "run-page-live");

        // The runs list refreshes its row too.
        await page.GotoAsync("/Runs");
        var webEvalBadge = page.Locator($"tr[data-live-run=\"{runId}\"] .badge", new() { HasText = "web-eval" });
        await Assertions.Expect(webEvalBadge).ToHaveClassAsync("badge in_progress");
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        await ChangeStagesAsync(app, runId, run =>
            run.Stages.Single(s => s.Kind == StageKind.WebEval).Complete(StageConclusion.Failure, "2 pages failed", "Console error on /cart", DateTimeOffset.UtcNow));
        await Assertions.Expect(webEvalBadge).ToHaveClassAsync("badge failure");
    }

    [Fact]
    public async Task RunsList_FilteredByProject_GainsANewRunOfThatProjectWithoutReloading()
    {
        using var app = new LiveApp();
        var projectId = await app.AddProjectAsync("acme/runs-appear", pinned: true);
        var otherId = await app.AddProjectAsync("acme/runs-elsewhere", pinned: true);
        var page = await chromium.SignedInPageAsync(app);
        await page.GotoAsync($"/Runs?project={projectId}");
        await Assertions.Expect(page.GetByText("No runs match.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        // A run of another project starts first: the filtered list must not show it.
        var elsewhere = await SeedRunAsync(app, otherId, reportPath: null);
        PublishStarted(app, elsewhere);
        var runId = await SeedRunAsync(app, projectId, reportPath: null);
        PublishStarted(app, runId);

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"#{runId}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("No runs match.")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("tr[data-live-run]")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"));
    }

    /// <summary>What PipelineStarter does once a new run is stored: publish it for the pages.</summary>
    private static void PublishStarted(LiveApp app, long runId)
    {
        using var scope = app.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<PipelineStore>();
        store.Publish(store.Db.Set<PipelineRun>().Single(r => r.Id == runId));
    }

    private static async Task ChangeStagesAsync(LiveApp app, long runId, Action<PipelineRun> change)
    {
        using var scope = app.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<PipelineStore>();
        var run = (await store.FindRunAsync(runId, CancellationToken.None))!;
        change(run);
        Assert.True(await store.TrySaveAsync(run, CancellationToken.None));
    }

    [Fact]
    public async Task WebEvalReport_LinkedFromTheRunPage_ShowsItsScreenshot()
    {
        var artifacts = Directory.CreateTempSubdirectory("codegencicd-reports-").FullName;
        using var app = new LiveApp(services => services.PostConfigure<BrowserOptions>(o => o.ArtifactsRoot = artifacts));
        var projectId = await app.AddProjectAsync("acme/run-report", pinned: true);
        var page = await chromium.SignedInPageAsync(app);
        await page.SetContentAsync("<h1 style='font:48px sans-serif;color:#1f7a3a'>Welcome to the shop</h1>");
        var png = await page.ScreenshotAsync();
        // Written the way the web-eval stage does: under the run's report key, screenshot beside report.json.
        var runId = await SeedRunAsync(app, projectId, reportPath: "pending");
        var directory = app.Services.GetRequiredService<WebEvalArtifacts>().DirectoryFor(WebEvalStage.ReportKey(runId, 1));
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "page-1.png"), png);
        var report = new WebEvalReport
        {
            Verdict = WebEvalVerdict.Passed,
            Summary = "1 page loaded without errors",
            BaseUrl = new Uri("http://127.0.0.1:5123/"),
            StartedAt = DateTimeOffset.UtcNow,
            DurationMs = 812,
            Pages = [new PageResult { Path = "/", Url = new Uri("http://127.0.0.1:5123/"), Passed = true, Status = 200, Title = "Shop", Screenshot = "page-1.png" }],
        };
        var reportPath = await WebEvalArtifacts.WriteAsync(report, directory, CancellationToken.None);
        await SetReportPathAsync(app, runId, reportPath);

        await page.GotoAsync($"/Runs/{runId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "web-eval report" }).ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("/Reports/WebEval?key=", StringComparison.Ordinal));
        var image = page.GetByRole(AriaRole.Img, new() { Name = "Screenshot of /" });
        await Assertions.Expect(image).ToBeVisibleAsync();
        // The page's screenshots load eagerly, so the load event means each one has arrived or failed; a broken image
        // reads naturalWidth 0. (Polling with requestAnimationFrame, as WaitForFunction does, stalled under CI's load.)
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.True(await image.EvaluateAsync<bool>("img => img.complete"));
        Assert.Equal(1280, await image.EvaluateAsync<int>("img => img.naturalWidth"));
        await Chromium.ScreenshotAsync(page, "web-eval-report");
        Directory.Delete(artifacts, recursive: true);
    }

    [Fact]
    public async Task AgentsPage_ListsTheRun_AndTheDashboardCardShowsTheRunAndLinksToTheAgent()
    {
        using var app = new LiveApp();
        var projectId = await app.AddProjectAsync("acme/agents", pinned: true);
        int agentRunId;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = DateTimeOffset.UtcNow;
            var run = new AgentRun { ProjectId = projectId, Target = "Add a search box to the header", Status = AgentRunStatus.Implementing, CreatedAt = now, UpdatedAt = now, StatusChangedAt = now };
            db.Add(run);
            await db.SaveChangesAsync();
            agentRunId = run.Id;
        }
        var page = await chromium.SignedInPageAsync(app);

        await page.GotoAsync("/Agents");
        await Assertions.Expect(page.Locator($"tr[data-agent-run=\"{agentRunId}\"]")).ToContainTextAsync("Implementing");
        await Chromium.ScreenshotAsync(page, "agents");
        await SeedRunAsync(app, projectId, reportPath: null);
        await page.GotoAsync("/Projects");
        var card = page.GetByRole(AriaRole.Article, new() { Name = "acme/agents" });
        await Assertions.Expect(card.Locator(".stages .badge", new() { HasText = "deploy" })).ToHaveClassAsync("badge in_progress");
        await Chromium.ScreenshotAsync(page, "projects-dashboard-activity");
        await card.GetByRole(AriaRole.Link, new() { Name = "Add a search box to the header" }).ClickAsync();

        // The navigation is what the link must do; the heading says the page arrived. Waiting for the "load" event
        // as well timed out once in a CI run under load (the page itself was there), so only the commit is awaited.
        await page.WaitForURLAsync($"**/Agents/Run/{agentRunId}", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }))
            .ToContainTextAsync($"Agent run #{agentRunId}");
        await Chromium.ScreenshotAsync(page, "agent-run");
    }

    private static async Task<long> SeedRunAsync(LiveApp app, int projectId, string? reportPath)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        var finished = reportPath is not null;
        var run = new PipelineRun
        {
            ProjectId = projectId,
            Repository = "acme/shop",
            PullRequest = 42,
            HeadSha = "9fceb02d0ae598e95dc970b74767f19372d61af8",
            HeadBranch = "feature/search",
            BaseBranch = "main",
            CloneUrl = "file:///nowhere",
            Trigger = "pull_request.opened",
            Status = finished ? RunStatus.Succeeded : RunStatus.Running,
            ActiveKey = finished ? null : PipelineRun.ActiveKeyFor(projectId, 42, "9fceb02d0ae598e95dc970b74767f19372d61af8"),
            PreviewPath = "/preview/acme/shop/42/",
            CreatedAt = now,
            StartedAt = now,
            CompletedAt = finished ? now : null,
            Stages =
            [
                new() { Kind = StageKind.Analysis, Status = StageStatus.Completed, Conclusion = StageConclusion.Success, Attempt = 1, Title = "No problems found", StartedAt = now, CompletedAt = now },
                new() { Kind = StageKind.Deploy, Status = finished ? StageStatus.Completed : StageStatus.InProgress, Conclusion = finished ? StageConclusion.Success : null, Attempt = 1, StartedAt = now },
                new() { Kind = StageKind.WebEval, Status = finished ? StageStatus.Completed : StageStatus.Queued, Conclusion = finished ? StageConclusion.Success : null, Attempt = finished ? 1 : 0 },
                new() { Kind = StageKind.Merge, Status = finished ? StageStatus.Completed : StageStatus.Pending, Conclusion = finished ? StageConclusion.Success : null, Attempt = finished ? 1 : 0 },
            ],
        };
        db.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    private static async Task SetReportPathAsync(LiveApp app, long runId, string reportPath)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stage = db.Set<PipelineStage>().Single(s => s.RunId == runId && s.Kind == StageKind.WebEval);
        stage.ReportPath = reportPath;
        await db.SaveChangesAsync();
    }
}
