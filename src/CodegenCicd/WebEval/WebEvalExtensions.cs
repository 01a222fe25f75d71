using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;
using CodegenCicd.WebEval.Agent;
using CodegenCicd.WebEval.Browser;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace CodegenCicd.WebEval;

public static class WebEvalExtensions
{
    public static IHostApplicationBuilder AddWebEval(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<GeminiOptions>();
        builder.Services.AddConfigSection<BrowserOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, ChromiumIntegrationCheck>();
        builder.Services.AddSingleton<IIntegrationCheck, GeminiIntegrationCheck>();

        builder.Services.AddSingleton<BrowserHost>();
        builder.Services.AddSingleton<WebEvalArtifacts>();
        builder.Services.AddTransient<AgentRunner>();
        builder.Services.AddTransient<IWebEvaluator, WebEvaluator>();
        builder.Services.AddHttpClient<GeminiClient>((services, http) =>
            {
                var gemini = services.GetRequiredService<IOptions<GeminiOptions>>().Value;
                http.BaseAddress = new Uri(gemini.ApiUrl.AbsoluteUri.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's timeouts apply
            })
            .AddStandardResilienceHandler()
            .Configure((resilience, services) =>
            {
                // generateContent changes nothing, so a retry is safe, but only for overload and
                // server errors: a 4xx (bad key, bad request) will not get better by asking again.
                var attempt = TimeSpan.FromSeconds(
                    services.GetRequiredService<IOptions<GeminiOptions>>().Value.RequestTimeoutSeconds);
                resilience.AttemptTimeout.Timeout = attempt;
                resilience.TotalRequestTimeout.Timeout = attempt * 3 + TimeSpan.FromSeconds(10);
                resilience.CircuitBreaker.SamplingDuration = attempt * 2;
                resilience.Retry.MaxRetryAttempts = 2;
                resilience.Retry.Delay = TimeSpan.FromSeconds(1);
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response
                    && ((int)response.StatusCode == 429 || (int)response.StatusCode >= 500));
            });
        return builder;
    }
}
