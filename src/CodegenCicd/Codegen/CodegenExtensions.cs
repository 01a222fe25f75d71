using CodegenCicd.Codegen.Api;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;
using CodegenCicd.Hosting.Jobs;
using Hangfire;
using CodegenCicd.Pipelines;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using System.Net;

namespace CodegenCicd.Codegen;

public static class CodegenExtensions
{
    public static IHostApplicationBuilder AddCodegen(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<CodegenOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, CodegenIntegrationCheck>();

        builder.Services.AddSingleton(sp =>
            new CodegenRateLimits(sp.GetRequiredService<IOptions<CodegenOptions>>().Value));
        builder.Services.AddTransient<CodegenRateLimitHandler>();
        var client = builder.Services.AddHttpClient<CodegenClient>();
        client.AddResilienceHandler("codegen", ConfigureResilience);
        client.AddHttpMessageHandler<CodegenRateLimitHandler>();

        builder.Services.AddScoped<AgentRunService>();
        builder.Services.AddScoped<AgentRunPlans>();
        builder.Services.AddScoped<AgentRunTracker>();
        builder.Services.AddScoped<AgentRunQueries>();
        builder.Services.AddScoped<AgentActivityQueries>();
        builder.Services.AddScoped<AgentRunLinks>();
        builder.Services.AddScoped<AgentRunFixes>();
        builder.Services.AddScoped<PullRequestNotes>();
        builder.Services.AddSingleton<AgentRunPollJob>();
        builder.Services.AddSingleton<IPipelineOutcomeListener, AgentRunFixLoop>();
        builder.Services.AddRecurringJob<AgentRunPollJob>(AgentRunPollJob.RecurringJobId,
            j => j.SweepAsync(CancellationToken.None), Cron.Minutely());
        return builder;
    }

    public static IEndpointRouteBuilder MapCodegen(this IEndpointRouteBuilder endpoints) => endpoints.MapAgentRunsApi();

    /// <summary>
    /// Outside the rate limiter, so each retry waits for its own permit. 429 is retried for every
    /// method (Codegen did nothing), honouring Retry-After; 5xx and network errors only for reads,
    /// since a repeated POST could start a second agent.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline,
        ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<CodegenOptions>>().Value;
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
            Delay = options.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                options.MaxRetries > 0 && ShouldRetry(args.Outcome, args.Context.GetRequestMessage()?.Method)),
        });
    }

    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    private static TimeSpan RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => TimeSpan.Zero,
    };

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpMethod? method)
    {
        var isRead = method == HttpMethod.Get;
        return outcome switch
        {
            // A long Retry-After is not waited out inside a request; the caller gets the 429 as a clear error.
            { Result: { StatusCode: HttpStatusCode.TooManyRequests } limited } => RetryAfter(limited) <= MaxRetryAfter,
            { Result: { } response } => isRead && (int)response.StatusCode >= 500,
            { Exception: HttpRequestException } => isRead,
            _ => false,
        };
    }
}
