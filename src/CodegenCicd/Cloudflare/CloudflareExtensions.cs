using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare;

public static class CloudflareExtensions
{
    public static IHostApplicationBuilder AddCloudflare(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<CloudflareOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, CloudflareIntegrationCheck>();
        return builder;
    }
}

internal sealed class CloudflareIntegrationCheck(IOptions<CloudflareOptions> options) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.Value.IsConfigured
            ? new IntegrationStatus("Cloudflare", true, $"Worker {options.Value.WorkerName}", "")
            : new IntegrationStatus("Cloudflare", false, "No webhook gateway: GitHub must reach this app directly.",
                "Set Cloudflare:ApiToken and Cloudflare:AccountId (or CLOUDFLARE_API_KEY and CLOUDFLARE_ACCOUNT_ID)."));
}
