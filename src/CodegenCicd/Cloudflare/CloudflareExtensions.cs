using System.Net;
using CodegenCicd.Cloudflare.Api;
using CodegenCicd.Cloudflare.Gateway;
using CodegenCicd.Cloudflare.Recovery;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CodegenCicd.Cloudflare;

public static class CloudflareExtensions
{
    public static IHostApplicationBuilder AddCloudflare(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddConfigSection<CloudflareOptions>();
        services.AddSingleton<IIntegrationCheck, CloudflareIntegrationCheck>();

        // The v4 API and the deployed Worker's own endpoints.
        services.AddHttpClient<CloudflareClient>((sp, http) =>
            {
                var apiUrl = sp.GetRequiredService<IOptions<CloudflareOptions>>().Value.ApiUrl;
                http.BaseAddress = new Uri(apiUrl.AbsoluteUri.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's timeouts apply
            })
            .AddStandardResilienceHandler(RetryIdempotentOnly);
        services.AddHttpClient<GatewayWorkerClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler(RetryIdempotentOnly);

        // The gateway: deploy from the Gateway page; in pull mode, the loop that pulls from its queue.
        services.AddScoped<GatewayLocator>();
        services.AddScoped<GatewayDeployer>();
        services.AddScoped<GatewayPuller>();
        services.AddHostedService<GatewayPullService>();

        // Missed-delivery recovery through GitHub's delivery log (works with or without the gateway).
        services.AddConfigSection<MissedDeliveryOptions>();
        services.AddScoped<MissedDeliveryJob>();
        services.AddScoped<MissedDeliveries>();
        services.AddHostedService<MissedDeliverySchedule>();
        return builder;
    }

    /// <summary>
    /// 429, 5xx and network errors are retried for GET, PUT and DELETE only: a repeated POST could
    /// create a second consumer, or lose a pulled batch's leases to a second pull.
    /// </summary>
    private static void RetryIdempotentOnly(HttpStandardResilienceOptions resilience)
    {
        resilience.Retry.ShouldHandle = args =>
        {
            var method = args.Context.GetRequestMessage()?.Method;
            var idempotent = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete;
            var transient = args.Outcome.Exception is HttpRequestException
                || args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests }
                    or { StatusCode: >= HttpStatusCode.InternalServerError };
            return ValueTask.FromResult(idempotent && transient);
        };
        resilience.Retry.ShouldRetryAfterHeader = true;
    }
}

internal sealed class CloudflareIntegrationCheck(IOptions<CloudflareOptions> options) : IIntegrationCheck
{
    public ValueTask<IntegrationStatus> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.Value.IsConfigured
            ? new IntegrationStatus("Cloudflare", true,
                $"Worker {options.Value.WorkerName} ({options.Value.Mode.ToString().ToLowerInvariant()} mode)", "")
            : new IntegrationStatus("Cloudflare", false, "No webhook gateway: GitHub must reach this app directly.",
                "Set Cloudflare:ApiToken and Cloudflare:AccountId (or CLOUDFLARE_API_KEY and CLOUDFLARE_ACCOUNT_ID)."));
}
