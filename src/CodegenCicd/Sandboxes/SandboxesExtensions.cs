using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Hosting.Observability;
using CodegenCicd.Sandboxes.Analysis;
using CodegenCicd.Sandboxes.Checkout;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Sandboxes.Isolation;
using CodegenCicd.Sandboxes.Local;
using CodegenCicd.Sandboxes.Snapshots;
using CodegenCicd.Sandboxes.Waking;

namespace CodegenCicd.Sandboxes;

public static class SandboxesExtensions
{
    public static IHostApplicationBuilder AddSandboxes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<SandboxOptions>();
        builder.Services
            .AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SandboxOptions>, SandboxExposureValidator>();
        builder.Services.AddSingleton(s => new SandboxIsolation(
            s.GetRequiredService<Microsoft.Extensions.Options.IOptions<SandboxOptions>>().Value,
            s.GetRequiredService<SandboxPaths>()));
        builder.Services.AddSingleton<IIntegrationCheck, BubblewrapIntegrationCheck>();
        builder.Services.AddHealthChecks()
            .AddCheck("bubblewrap", new BubblewrapHealthCheck(), tags: ["ready"])
            .AddCheck<SandboxIsolationHealthCheck>("sandbox-isolation", tags: ["ready"]);

        builder.Services.AddSingleton<SandboxPaths>();
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddSingleton<ISandboxProvider, LocalSandboxProvider>();
        builder.Services.AddSingleton<GitCheckout>();
        builder.Services.AddSingleton<WorkspacePreparer>();
        builder.Services.AddSingleton<SandboxAnalysis>();
        builder.Services.AddSingleton<DeploymentRegistry>();
        builder.Services.AddSingleton<DeploymentStore>();
        builder.Services.AddSingleton<PreviewPlacement>();
        builder.Services.AddSingleton<PreviewTokens>();
        builder.Services.AddSingleton<PreviewListeners>();
        builder.Services.AddSingleton<PreviewWaker>();
        builder.Services.AddSingleton<NodeForwarder>();
        builder.Services.AddSingleton<SleepingPreviews>();
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddSingleton<IPreviewDeployments, PreviewDeployments>();
        builder.Services.AddTransient<PreviewSweep>();
        builder.Services.AddSingleton<IRequestPathRedactor, PreviewPathRedactor>();
        builder.Services.AddHostedService<SandboxLifecycle>();
        builder.Services.AddPreviewProxy();
        builder.Services.AddHostedService<PreviewSweeper>();
        builder.Services.RetireRecurringJob("sandboxes-sweep"); // the sweep's Hangfire job before it ran on every node
        // The readiness probe: loopback, no proxy, no redirects followed (a 3xx counts as ready), no cookie jar.
        builder.Services.AddHttpClient(ReadinessProbe.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() =>
                new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        return builder;
    }

    /// <summary>The per-PR preview address, <c>/preview/{owner}/{repo}/{pr}/</c> (admin sign-in required).</summary>
    public static IEndpointRouteBuilder MapPreviews(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPreviewProxy();
}

/// <summary>
/// The Overview's line for sandboxes: bubblewrap, then how isolated sandboxes are and what is missing.
/// </summary>
internal sealed class BubblewrapIntegrationCheck(SandboxIsolation isolation) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var bwrap = ExecutableLocator.Find("bwrap");
        if (bwrap is null)
        {
            return ValueTask.FromResult(new IntegrationStatus("bubblewrap", false,
                "No bwrap: sandboxed deployments cannot run.", "apt-get install bubblewrap"));
        }
        var problems = isolation.Problems;
        return ValueTask.FromResult(problems.Count == 0
            ? new IntegrationStatus("bubblewrap", true, $"{bwrap}; {isolation.Describe()}", "")
            : new IntegrationStatus("bubblewrap", isolation.Network.Problem is null,
                $"{bwrap}; {isolation.Describe()}. {string.Join(". ", problems)}.",
                "apt-get install slirp4netns socat libseccomp2; "
                + "run as root or give the app a delegated cgroup (systemd: Delegate=yes)"));
    }
}
