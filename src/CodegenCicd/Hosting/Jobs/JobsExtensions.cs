using CodegenCicd.Hosting.Api;
using CodegenCicd.Hosting.Configuration;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Hosting.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire is only the executor; the database is the source of truth (DESIGN.md). The storage
    /// is registered per host rather than through the static <c>JobStorage.Current</c>, so several
    /// hosts in one process (tests) never share a queue.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<JobsOptions>()
            .Validate(o => o.Storage != JobStorageKind.PostgreSql
                    || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Jobs")),
                "ConnectionStrings:Jobs is required when Jobs:Storage is PostgreSql");

        builder.Services.AddSingleton<JobStorage>(sp => CreateStorage(
            sp.GetRequiredService<IOptions<JobsOptions>>().Value, builder.Configuration.GetConnectionString("Jobs")));
        // AddHangfire registers JobActivator.Current, a static that the last host to start overwrites:
        // with several hosts in one process, jobs were activated with another host's services (and database).
        builder.Services.AddSingleton<JobActivator>(
            sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddSingleton<JobMetricsFilter>();
        builder.Services.AddSingleton<IJobFilterProvider>(sp => new JobFilterProviderCollection(
            JobFilterProviders.Providers, new JobFilterCollection { sp.GetRequiredService<JobMetricsFilter>() }));

        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        builder.Services.AddHangfireServer((sp, server) =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            server.WorkerCount = jobs.WorkerCount;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(jobs.SchedulePollingSeconds);
            server.Queues = JobQueues.ListenedBy(sp.GetService<JobNode>()?.Name);
            server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            // This host's activator and filters, never the statics (see above).
            server.Activator = sp.GetRequiredService<JobActivator>();
            server.FilterProvider = sp.GetRequiredService<IJobFilterProvider>();
        });

        builder.Services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("jobs", tags: ["ready"]);
        return builder;
    }

    /// <summary>The dashboard, behind the admin sign-in (never open to anonymous users, localhost included).</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(AdminPolicy.Name, "/hangfire", new DashboardOptions
        {
            DashboardTitle = "CodegenCICD jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        });
        return endpoints;
    }

    private static JobStorage CreateStorage(JobsOptions options, string? connectionString) => options.Storage switch
    {
        JobStorageKind.PostgreSql => new PostgreSqlStorage(
            new NpgsqlConnectionFactory(connectionString!, new PostgreSqlStorageOptions()),
            new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true, SchemaName = "hangfire" }),
        _ => new InMemoryStorage(new InMemoryStorageOptions()),
    };
}
