using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;

namespace CodegenCicd.Codegen;

public static class CodegenExtensions
{
    public static IHostApplicationBuilder AddCodegen(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<CodegenOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, CodegenIntegrationCheck>();
        return builder;
    }
}
