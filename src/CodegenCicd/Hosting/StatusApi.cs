using System.Reflection;
using CodegenCicd.Hosting.Integrations;
using Hangfire;

namespace CodegenCicd.Hosting;

public sealed record JobQueueStatus(long Enqueued, long Processing, long Scheduled, long Failed, long Servers);

public sealed record AppStatus(string Version, IReadOnlyList<IntegrationStatus> Integrations, JobQueueStatus Jobs);

/// <summary><c>GET /api/status</c>: integrations configured or not, queue depth, version.</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/status", GetStatusAsync).WithTags("Status").WithSummary("Integrations, job queue and version");
        return endpoints;
    }

    public static string Version { get; } =
        typeof(StatusApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";

    private static async Task<AppStatus> GetStatusAsync(
        IntegrationStatusService integrations, JobStorage storage, CancellationToken cancellationToken)
    {
        var stats = storage.GetMonitoringApi().GetStatistics();
        return new AppStatus(
            Version,
            await integrations.GetAllAsync(cancellationToken),
            new JobQueueStatus(stats.Enqueued, stats.Processing, stats.Scheduled, stats.Failed, stats.Servers));
    }
}
