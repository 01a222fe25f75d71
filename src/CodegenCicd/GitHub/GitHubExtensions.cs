using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Installations;
using CodegenCicd.GitHub.Setup;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.GitHub.Webhooks.Dispatch;
using CodegenCicd.GitHub.Webhooks.Intake;
using CodegenCicd.Hosting.Configuration;
using CodegenCicd.Hosting.Integrations;
using CodegenCicd.Hosting.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub;

public static class GitHubExtensions
{
    public static IHostApplicationBuilder AddGitHubApp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddConfigSection<GitHubOptions>();
        services.AddSingleton<IIntegrationCheck, GitHubIntegrationCheck>();

        // Credentials (configuration or /setup), the App JWT, cached installation tokens, clients.
        services.AddSingleton<AppCredentialsProvider>();
        services.AddConfigSection<Installations.AutoPin.AutoPinOptions>();
        services.AddScoped<Installations.AutoPin.ProjectAutoPin>();
        services.AddSingleton<CodegenCicd.Accounts.IGitHubOAuthApp, GitHubOAuthApp>();
        services.AddSingleton<AppJwtFactory>();
        services.AddSingleton<InstallationTokenCache>();
        services.AddSingleton<IGitHubAppClients, GitHubAppClients>();
        services.AddSingleton(sp => GitHubRetryPolicy.From(
            sp.GetRequiredService<IOptions<GitHubOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddHttpClient<GitHubAppApi>(GitHubAppApi.HttpClientName, (sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<GitHubOptions>>().Value.ApiBase;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("CodegenCICD");
            })
            .AddResilienceHandler("github-retries", (pipeline, context) =>
                context.ServiceProvider.GetRequiredService<GitHubRetryPolicy>().Configure(pipeline));

        // Webhook intake and event routing.
        services.AddSingleton<DeliveryWriteGate>();
        services.AddSingleton<IntakeLimiter>();
        services.TryAddSingleton<IDeliveryCommitHook, NoCommitHook>();
        services.AddSingleton<DeliveryBatchWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryBatchWriter>());
        services.AddSingleton<WebhookHandlerEvents>();
        services.AddScoped<DeliveryTriage>();
        services.AddScoped<WebhookIntake>();
        services.AddScoped<DeliveryQueries>();
        services.AddSingleton<DispatchSignal>();
        services.AddScoped<DeliveryClaims>();
        services.AddScoped<DeliveryProcessor>();
        services.AddScoped<WebhookDeliveryJob>();
        // Recovery first: it gives back what a crash left claimed before the dispatcher starts claiming.
        services.AddHostedService<DeliveryRecovery>();
        services.AddHostedService<DeliveryDispatcher>();
        services.AddConfigSection<WebhookOptions>();
        services.AddScoped<WebhookRetentionJob>();
        services.AddRecurringJob<WebhookRetentionJob>(
            WebhookRetentionJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());

        // Installations and their repositories (the projects).
        services.AddSingleton<InstallationLocks>();
        services.AddScoped<InstallationStore>();
        services.AddScoped<InstallationSync>();
        services.AddScoped<InstallationSyncJob>();
        services.AddWebhookHandler<InstallationEventsHandler>();
        services.AddHostedService<InstallationSyncAtStartup>();

        // The manifest setup flow.
        services.AddSingleton<AppManifest>();
        services.AddSingleton<SetupState>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGitHubApp(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGitHubWebhooks();
}
