using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Browser;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.WebEval;

/// <summary>
/// The web evaluation as the app registers it (AddWebEval), on its own settings and artefact
/// folder. Pass a shared <see cref="BrowserHost"/> to reuse one Chromium across tests.
/// </summary>
public sealed class WebEvalHarness : IAsyncDisposable
{
    private readonly IHost host;

    private WebEvalHarness(IHost host, string artifacts)
    {
        this.host = host;
        ArtifactsRoot = artifacts;
    }

    public string ArtifactsRoot { get; }

    public IServiceProvider Services => host.Services;

    public static WebEvalHarness Create(Dictionary<string, string?>? settings = null, BrowserHost? sharedBrowser = null)
    {
        var artifacts = Directory.CreateTempSubdirectory("codegencicd-webeval-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Browser:ArtifactsRoot"] = artifacts,
            ["Browser:NavigationTimeoutSeconds"] = "10",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddWebEval();
        if (sharedBrowser is not null)
        {
            builder.Services.AddSingleton(sharedBrowser);
        }
        return new WebEvalHarness(builder.Build(), artifacts);
    }

    public async Task<(WebEvalOutcome Outcome, WebEvalReport Report, string Directory)> EvaluateAsync(
        Uri baseUrl, WebEvalConfig config, CancellationToken cancellationToken = default)
    {
        var artifacts = Services.GetRequiredService<WebEvalArtifacts>();
        var key = "runs/" + Guid.NewGuid().ToString("N");
        var directory = artifacts.DirectoryFor(key);
        var outcome = await Services.GetRequiredService<IWebEvaluator>()
            .EvaluateAsync(new WebEvalRequest(baseUrl, config, directory, WebEvalArtifacts.PageUrl(key)), cancellationToken);
        var report = await artifacts.LoadAsync(key, cancellationToken)
            ?? throw new InvalidOperationException($"No readable report.json in {directory}");
        return (outcome, report, directory);
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes the browser it created; a shared one is left to its fixture.
        if (host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
        TempFolder.TryDelete(ArtifactsRoot);
    }
}

/// <summary>One Chromium for the browser tests of a collection (launching it costs about a second).</summary>
public sealed class SharedBrowserFixture : IAsyncLifetime
{
    public BrowserHost Browser { get; private set; } = null!;

    public TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Browser = new BrowserHost(Microsoft.Extensions.Options.Options.Create(new BrowserOptions { MaxConcurrentEvaluations = 2 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BrowserHost>.Instance);
        Site = await TestSite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Site.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedBrowserCollection : ICollectionFixture<SharedBrowserFixture>
{
    public const string Name = "Shared Chromium";
}
