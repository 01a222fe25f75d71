using CodegenCicd.WebEval;
using Microsoft.Playwright;

namespace CodegenCicd.BrowserTests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright, one browser for the whole run; each test opens its own context.</summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = new BrowserOptions { ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") }.ResolveExecutable()
            ?? throw new InvalidOperationException("Chromium not found: install Debian's chromium package or set CHROMIUM_PATH.");
        playwright = await Playwright.CreateAsync();
        // Expectations wait for the server's work (a form's redirect, a live update); actions already wait 15 s
        // (SetDefaultTimeout), and Playwright's 5 s default for Expect is short on a busy 2-core machine.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
    }

    /// <summary>A fresh browser context (own cookies) signed in through the real sign-in page.</summary>
    public async Task<IPage> SignedInPageAsync(LiveApp app)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = app.BaseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // Confirmation prompts ("Remove …?") are answered yes, as the admin would.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync("/Account/SignIn");
        await page.GetByLabel("Admin password").FillAsync(LiveApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/SignIn", StringComparison.Ordinal));
        return page;
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots/ (kept as a test artefact).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CodegenCicd.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}
