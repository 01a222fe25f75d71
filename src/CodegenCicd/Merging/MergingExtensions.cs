using CodegenCicd.Pipelines.Stages;

namespace CodegenCicd.Merging;

public static class MergingExtensions
{
    /// <summary>The merge gate, the pipeline's last stage (the pipeline finds it by its stage kind).</summary>
    public static IHostApplicationBuilder AddMerging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<IStageExecutor, MergeGate>();
        return builder;
    }
}
