namespace CodegenCicd.Projects;

public static class ProjectsExtensions
{
    public static IHostApplicationBuilder AddProjects(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProjectSecrets>();
        return builder;
    }
}
