using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;

namespace CodegenCicd.WebEval;

public static class WebEvalExtensions
{
    public static IHostApplicationBuilder AddWebEval(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<GeminiOptions>();
        builder.Services.AddConfigSection<BrowserOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, ChromiumIntegrationCheck>();
        builder.Services.AddSingleton<IIntegrationCheck, GeminiIntegrationCheck>();
        return builder;
    }
}
