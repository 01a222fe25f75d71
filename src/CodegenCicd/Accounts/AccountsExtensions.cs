using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Accounts;

/// <summary>
/// Sign-in with GitHub, access that follows repository permissions, API antiforgery, trusted proxies.
/// </summary>
public static class AccountsExtensions
{
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddConfigSection<ForwardedHeadersSettings>();
        services.AddConfigSection<PreviewAccessOptions>();
        services.AddHttpContextAccessor();
        services.AddMemoryCache();
        services.AddHttpClient<GitHubOAuthClient>(GitHubOAuthClient.HttpClientName, (sp, http) =>
            http.DefaultRequestHeaders.UserAgent.ParseAdd("CodegenCICD"));
        services.AddScoped<GitHubUsers>();
        services.AddScoped<RepositoryPermissions>();
        services.AddScoped<ProjectAccess>();
        services.AddAntiforgery(o => o.HeaderName = ApiAntiforgery.HeaderName);
        return builder;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHubSignIn();
        endpoints.MapApiAntiforgery();
        return endpoints;
    }
}
