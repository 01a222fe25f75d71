using CodegenCicd.Hosting.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Projects;

public static class ProjectsExtensions
{
    public static IHostApplicationBuilder AddProjects(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProjectSecrets>();
        builder.Services.AddScoped<ProjectCatalog>();
        builder.Services.AddScoped<ProjectLookup>();
        builder.Services.AddScoped<InstalledRepositories>();
        builder.Services.AddScoped<ProjectDirectory>();
        builder.Services.AddScoped<CodegenCicd.Accounts.IProjectRepositories>(
            sp => sp.GetRequiredService<ProjectDirectory>());
        // The pipeline and Codegen features replace this with their own read model.
        builder.Services.TryAddScoped<IProjectActivity, NoProjectActivity>();
        return builder;
    }

    public static IEndpointRouteBuilder MapProjects(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapProjectsApi();
        return endpoints;
    }
}
