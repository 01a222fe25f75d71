using CodegenCicd.BrowserTests.Infrastructure;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CodegenCicd.BrowserTests;

/// <summary>A reviewer follows a check run's details link, signs in with GitHub, and sees what a reader sees.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task Reader_SignsInWithGitHub_FromADetailsLink_AndSeesTheirRunWithoutButtons()
    {
        await using var github = await OAuthGitHub.StartAsync("rita");
        github.Permissions[("acme/shop", "rita")] = "read";
        using var app = new LiveApp(_ => { }, new Dictionary<string, string?>
        {
            ["GitHub:WebUrl"] = github.BaseUrl,
            ["GitHub:ApiUrl"] = github.BaseUrl,
            ["GitHub:ClientId"] = OAuthGitHub.ClientId,
            ["GitHub:ClientSecret"] = OAuthGitHub.ClientSecret,
            ["GitHub:SyncInstallationsAtStartup"] = "false",
        });
        var shop = await app.AddProjectAsync("acme/shop", pinned: true);
        var hidden = await app.AddProjectAsync("acme/internal", pinned: true);
        var runId = await SeedRunAsync(app, shop, "acme/shop");
        await SeedRunAsync(app, hidden, "acme/internal");
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = app.BaseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();

        // The details link GitHub shows on the check run.
        await page.GotoAsync($"/Runs/{runId}");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/SignIn"));
        await Chromium.ScreenshotAsync(page, "sign-in-with-github");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with GitHub" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in as rita" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{app.BaseUrl}/Runs/{runId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Run #{runId}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Signed in as rita")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Re-run" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("need write access to acme/shop on GitHub")).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "reader-run-page");

        await page.GotoAsync("/Projects");
        await Assertions.Expect(page.GetByText("acme/shop").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("acme/internal")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jobs" })).ToHaveCountAsync(0);
        await Chromium.ScreenshotAsync(page, "reader-projects");

        await page.GotoAsync("/Runs");
        await Assertions.Expect(page.Locator("tr[data-live-run]")).ToHaveCountAsync(1);
        await Chromium.ScreenshotAsync(page, "reader-runs");
        await context.DisposeAsync();
    }

    private static async Task<long> SeedRunAsync(LiveApp app, int projectId, string repository)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        var run = new PipelineRun
        {
            ProjectId = projectId,
            Repository = repository,
            PullRequest = 42,
            HeadSha = Guid.NewGuid().ToString("N") + "00000000",
            HeadBranch = "feature/search",
            BaseBranch = "main",
            CloneUrl = "file:///nowhere",
            Trigger = "pull_request.opened",
            Status = RunStatus.Failed,
            StatusReason = "web-eval failed",
            CreatedAt = now,
            StartedAt = now,
            CompletedAt = now,
            Stages =
            [
                new() { Kind = StageKind.Analysis, Status = StageStatus.Completed, Conclusion = StageConclusion.Success, Attempt = 1, Title = "No problems found", StartedAt = now, CompletedAt = now },
                new() { Kind = StageKind.Deploy, Status = StageStatus.Completed, Conclusion = StageConclusion.Success, Attempt = 1, Title = "Deployed", StartedAt = now, CompletedAt = now },
                new() { Kind = StageKind.WebEval, Status = StageStatus.Completed, Conclusion = StageConclusion.Failure, Attempt = 1, Title = "Console error on /cart", StartedAt = now, CompletedAt = now },
                new() { Kind = StageKind.Merge, Status = StageStatus.Pending, Attempt = 0 },
            ],
        };
        db.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }
}
