using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;

namespace CodegenCicd.Sandboxes;

public static class SandboxesExtensions
{
    public static IHostApplicationBuilder AddSandboxes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<SandboxOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, BubblewrapIntegrationCheck>();
        return builder;
    }
}

internal sealed class BubblewrapIntegrationCheck : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var bwrap = ExecutableLocator.Find("bwrap");
        return ValueTask.FromResult(bwrap is not null
            ? new IntegrationStatus("bubblewrap", true, bwrap, "")
            : new IntegrationStatus("bubblewrap", false, "No bwrap: sandboxed deployments cannot run.",
                "apt-get install bubblewrap"));
    }
}
