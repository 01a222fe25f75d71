using Microsoft.EntityFrameworkCore.Diagnostics;
using CodegenCicd.Pipelines.Checks;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Api;
using CodegenCicd.Pipelines.Comments;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Previews;
using CodegenCicd.Pipelines.Recovery;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Pipelines.Triggers;
using Hangfire;

namespace CodegenCicd.Pipelines;

public static class PipelinesExtensions
{
    public static IHostApplicationBuilder AddPipelines(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddConfigSection<PipelineOptions>()
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.PublicUrl = PipelineOptions.DefaultPublicUrl(options.PublicUrl, configuration));
        services.AddSingleton<CheckRunReporter>();
        services.AddSingleton<StageCancellations>();
        services.AddSingleton<StageHeartbeat>();
        services.AddScoped<PipelineStore>();
        services.AddScoped<PipelineActivityQueries>();
        // Lists of runs are served from a cache that every write to runs or stages clears (Api/RunsPageCache.cs).
        services.AddSingleton<RunsPageCache>();
        services.AddSingleton<RunWriteWatcher>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<RunWriteWatcher>());
        services.AddScoped<RunsPages>();
        services.AddSingleton<RenderedRunRows>();
        services.AddSingleton<RunListJson>();
        // The outbox: effects of saved changes, carried out by one processor (see Effects/).
        services.AddSingleton<EffectSignal>();
        services.AddSingleton<EffectProcessor>();
        services.AddScoped<EffectExecutor>();
        services.AddScoped<PreviewTeardown>();
        services.AddHostedService<EffectPump>();
        services.AddScoped<CheckRunSync>();
        services.AddScoped<RunFinisher>();
        services.AddScoped<RunAdvancer>();
        services.AddScoped<StageCompleter>();
        services.AddScoped<StageContextFactory>();
        services.AddScoped<PullRequestComments>();
        services.AddScoped<RunControl>();
        services.AddScoped<CancelledRunRestart>();
        services.AddScoped<PipelineStarter>();
        services.AddScoped<ForkGate>();
        services.AddScoped<RunApproval>();
        services.AddScoped<CodegenCicd.Sandboxes.Waking.IPreviewTargets, PreviewTargets>();
        services.AddScoped<CodegenCicd.Sandboxes.Waking.IPreviewListener, PreviewCommentRefresh>();
        services.AddScoped<PreviewCommentRefreshJob>();
        services.AddScoped<IStageExecutor, AnalysisStage>();
        services.AddScoped<IStageExecutor, DeployStage>();
        services.AddScoped<IStageExecutor, WebEvalStage>();
        services.AddScoped<StageJob>();
        services.AddScoped<PrepareRunJob>();
        services.AddScoped<UnpreparedRun>();
        services.AddScoped<StageWatchdog>();
        services.AddWebhookHandler<PullRequestEventHandler>();
        services.AddWebhookIdleCheck<UnpinnedRepositoryCheck>();
        services.AddWebhookHandler<CheckEventHandler>();
        services.AddHostedService<PipelineRecovery>();
        services.AddRecurringJob<StageWatchdog>(
            StageWatchdog.JobId, w => w.RunAsync(CancellationToken.None), Cron.Minutely());
        return builder;
    }

    public static IEndpointRouteBuilder MapPipelines(this IEndpointRouteBuilder endpoints) => endpoints.MapRunsApi();
}
