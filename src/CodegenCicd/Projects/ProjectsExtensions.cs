using Microsoft.EntityFrameworkCore.Diagnostics;
using CodegenCicd.Hosting.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Projects;

public static class ProjectsExtensions
{
    public static IHostApplicationBuilder AddProjects(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProjectSecrets>();
        builder.Services.AddScoped<ProjectCatalog>();
        // Pages of pinned projects, and which repositories have one, come from caches that every write to a project clears.
        builder.Services.AddSingleton<PinnedProjectsCache>();
        builder.Services.AddSingleton<PinnedProjectNames>();
        builder.Services.AddSingleton<ProjectWriteWatcher>();
        builder.Services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<ProjectWriteWatcher>());
        builder.Services.AddSingleton<ProjectListAnswers>();
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
