using CodegenCicd.Hosting.Retention;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.WebEval.Reports;

namespace CodegenCicd.Retention;

public static class RetentionExtensions
{
    /// <summary>
    /// Pruning of web-eval artifacts, logs and stopped previews' records by age and size (<c>Retention:*</c>).
    /// </summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<RetentionOptions>();
        builder.Services.AddSingleton<ArtifactRetention>();
        builder.Services.AddSingleton<PreviewRetention>();
        builder.Services.AddScoped<StageLogRetention>();
        builder.Services.AddScoped<RetentionSweep>();
        builder.Services.AddSingleton<DiskUsage>();
        builder.Services.AddHostedService<RetentionSweeper>();
        return builder;
    }
}
