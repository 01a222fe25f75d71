using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;

namespace CodegenCicd.GitHub;

public static class GitHubExtensions
{
    public static IHostApplicationBuilder AddGitHubApp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<GitHubOptions>();
        builder.Services.AddSingleton<IIntegrationCheck, GitHubIntegrationCheck>();
        return builder;
    }
}
