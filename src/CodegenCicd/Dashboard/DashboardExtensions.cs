using CodegenCicd.Projects;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodegenCicd.Dashboard;

public static class DashboardExtensions
{
    /// <summary>Replaces Projects' empty default with the activity the pipeline and Codegen record.</summary>
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.Replace(ServiceDescriptor.Scoped<IProjectActivity, ProjectActivityReader>());
        return builder;
    }
}
