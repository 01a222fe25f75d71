using CodegenCicd.Codegen;
using CodegenCicd.Codegen.Api;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Tests.Codegen;

/// <summary>
/// The app's real Codegen registration (typed client, retry, rate limiter) in a bare container,
/// pointed at a <see cref="FakeCodegen"/>. Rate-limit windows only move when the test says so.
/// </summary>
public sealed class CodegenClientHost : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private CodegenClientHost(ServiceProvider services, FakeCodegen fake)
    {
        this.services = services;
        Fake = fake;
    }

    public FakeCodegen Fake { get; }

    public CodegenClient Client => services.GetRequiredService<CodegenClient>();

    public CodegenRateLimits Limits => services.GetRequiredService<CodegenRateLimits>();

    public static async Task<CodegenClientHost> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var fake = await FakeCodegen.StartAsync();
        var settings = new Dictionary<string, string?>();
        fake.Configure(settings);
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCodegen();
        builder.Services.AddLogging();
        // Replaces the timer-driven limits: the test advances the windows itself, so bursts are deterministic.
        builder.Services.AddSingleton(sp => new CodegenRateLimits(sp.GetRequiredService<IOptions<CodegenOptions>>().Value, autoReplenishment: false));
        return new CodegenClientHost(builder.Services.BuildServiceProvider(), fake);
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
