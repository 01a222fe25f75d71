using CodegenCicd.BrowserTests.Infrastructure;
using CodegenCicd.Projects;
using Microsoft.Playwright;

namespace CodegenCicd.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ProjectsBrowserTests(Chromium chromium)
{
    private readonly LiveApp app = new();

    [Fact]
    public async Task SignIn_AddAProjectFromTheAppsRepositories_ShowsItsCard()
    {
        using var _ = app;
        await app.AddProjectAsync("acme/storefront", pinned: false);
        var page = await chromium.SignedInPageAsync(app);

        await page.GotoAsync("/Projects");
        await Assertions.Expect(page.GetByText("No projects yet.")).ToBeVisibleAsync();
        await page.GetByLabel("Add a repository").SelectOptionAsync("acme/storefront");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add project" }).ClickAsync();

        var card = page.GetByRole(AriaRole.Article, new() { Name = "acme/storefront" });
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Added acme/storefront." })).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByText("No runs yet")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        await Chromium.ScreenshotAsync(page, "projects-dashboard");

        await card.GetByRole(AriaRole.Button, new() { Name = "Remove acme/storefront" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Removed acme/storefront. Its history is kept")).ToBeVisibleAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel("Add a repository")).ToContainTextAsync("acme/storefront");
    }

    [Fact]
    public async Task EditEachSettingsTab_SavesEverything_AndBadValuesAreMarkedOnTheirTab()
    {
        using var _ = app;
        var id = await app.AddProjectAsync("acme/settings", pinned: true);
        var page = await chromium.SignedInPageAsync(app);
        await page.GotoAsync("/Projects");
        await page.GetByRole(AriaRole.Article, new() { Name = "acme/settings" }).GetByRole(AriaRole.Link, new() { Name = "Settings for acme/settings" }).ClickAsync();

        // A freshly opened dialog has nothing to complain about.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings · acme/settings" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Nothing was saved" })).ToHaveCountAsync(0);

        await page.GetByLabel("Default branch").FillAsync("develop");
        await page.GetByLabel("Planning statement").FillAsync("Keep PRs small.");
        await page.GetByLabel("Auto-confirm agent plans").CheckAsync();
        await page.GetByLabel("Max fix iterations").FillAsync("5");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Deploy" }).ClickAsync();
        await page.GetByLabel("Setup commands (one per line)").FillAsync("npm ci\nnpm run build");
        await page.GetByLabel("Start command").FillAsync("npm start");
        await page.GetByLabel("Ready path").FillAsync("health");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Merge" }).ClickAsync();
        await page.GetByLabel("Merge automatically when every check is green").CheckAsync();
        await page.GetByLabel("Merge method").SelectOptionAsync("Rebase");
        await page.GetByLabel("Required label").FillAsync("ready");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Web eval" }).ClickAsync();
        await page.GetByLabel("Pages to check (one path per line)").FillAsync("/\n/cart");
        await page.GetByLabel("Task").FillAsync("Add an item to the cart and check the total.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        // The bad ready path sends the admin back to the Deploy tab, with everything typed still there.
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Nothing was saved" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Deploy" })).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page.GetByText("The ready path must start with '/'")).ToBeVisibleAsync();
        Assert.Equal("main", (await app.LoadProjectAsync(id)).DefaultBranch);
        await page.GetByLabel("Ready path").FillAsync("/health");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Settings saved." })).ToBeVisibleAsync();
        var saved = await app.LoadProjectAsync(id);
        Assert.Equal("develop", saved.DefaultBranch);
        Assert.True(saved.Settings.AutoConfirmPlans);
        Assert.Equal(5, saved.Settings.MaxIterations);
        Assert.Equal(["npm ci", "npm run build"], saved.Settings.Pipeline.Deploy.Setup);
        Assert.Equal("/health", saved.Settings.Pipeline.Deploy.ReadyPath);
        Assert.Equal(MergeMethod.Rebase, saved.Settings.Pipeline.Merge.Method);
        Assert.Equal("ready", saved.Settings.Pipeline.Merge.RequireLabel);
        Assert.Equal(["/", "/cart"], saved.Settings.Pipeline.WebEval.Pages);
        // Saving from the Deploy tab comes back to it.
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Deploy" })).ToHaveAttributeAsync("aria-selected", "true");
        await Chromium.ScreenshotAsync(page, "project-settings-deploy");

        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        // The real sandbox runs: acme/settings does not exist (and this machine has no network), so the
        // checkout fails and the page says why instead of hanging or calling it the author's failure.
        await Assertions.Expect(page.Locator("#run-output")).ToContainTextAsync("Running 2 setup command(s) of acme/settings on branch");
        await Assertions.Expect(page.Locator("#run-output")).ToContainTextAsync("The sandbox could not run them:", new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task AddASecret_ShowsItMasked_AndItsValueIsNotInThePage()
    {
        using var _ = app;
        var id = await app.AddProjectAsync("acme/secrets", pinned: true);
        var page = await chromium.SignedInPageAsync(app);
        const string value = "browser-secret-6b0f13c9";

        await page.GotoAsync($"/Projects/Settings/{id}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Secrets" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No secrets yet.")).ToBeVisibleAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("PAYMENT_TOKEN");
        await page.GetByLabel("Value", new() { Exact = true }).FillAsync(value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save secret" }).ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "PAYMENT_TOKEN" });
        await Assertions.Expect(row).ToContainTextAsync("•••••");
        await Assertions.Expect(row).ToContainTextAsync("set just now");
        Assert.DoesNotContain(value, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("", await page.GetByLabel("Value", new() { Exact = true }).InputValueAsync());

        await page.GetByLabel("Paste KEY=VALUE lines").FillAsync("export A_ONE=1\nbad line\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Line 2: Expected KEY=VALUE.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "A_ONE" })).ToHaveCountAsync(0);
        await Chromium.ScreenshotAsync(page, "project-settings-secrets");
    }

    [Fact]
    public async Task InstanceSettingsAndOverview_Render()
    {
        using var _ = app;
        var page = await chromium.SignedInPageAsync(app);

        await page.GotoAsync("/Settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Integrations" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToHaveAttributeAsync("aria-current", "page");
        await Chromium.ScreenshotAsync(page, "settings");
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "overview");
    }
}
