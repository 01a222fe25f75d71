using System.Reflection;
using CodegenCicd.Codegen.Runs;
using CodegenCicd.Hosting.Integrations;
using CodegenCicd.Pipelines.Runs;
using Hangfire;

namespace CodegenCicd.Dashboard;

public sealed record JobQueueStatus(long Enqueued, long Processing, long Scheduled, long Failed, long Servers);

/// <summary>
/// Pipeline runs not finished yet (queued, running, waiting at the
/// merge gate) and agent runs at work or waiting for a person.
/// </summary>
public sealed record ActiveRuns(int Pipelines, int Agents);

public sealed record AppStatus(
    string Version, IReadOnlyList<IntegrationStatus> Integrations, JobQueueStatus Jobs, ActiveRuns ActiveRuns);

/// <summary><c>GET /api/status</c>: integrations configured or not, queue depth, active runs, version.</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/status", GetStatusAsync)
            .WithTags("Status")
            .WithSummary("Integrations, job queue, active runs and version");
        return endpoints;
    }

    public static string Version { get; } =
        typeof(StatusApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "dev";

    private static async Task<AppStatus> GetStatusAsync(
        IntegrationStatusService integrations,
        JobStorage storage,
        PipelineActivityQueries pipelineRuns,
        AgentActivityQueries agentRuns,
        CancellationToken cancellationToken)
    {
        var stats = storage.GetMonitoringApi().GetStatistics();
        var pipelines = await pipelineRuns.CountUnfinishedAsync(cancellationToken);
        var agents = await agentRuns.CountActiveAsync(cancellationToken);
        return new AppStatus(
            Version,
            await integrations.GetAllAsync(cancellationToken),
            new JobQueueStatus(stats.Enqueued, stats.Processing, stats.Scheduled, stats.Failed, stats.Servers),
            new ActiveRuns(pipelines, agents));
    }
}
