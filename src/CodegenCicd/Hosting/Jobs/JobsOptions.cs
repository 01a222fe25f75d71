using System.ComponentModel.DataAnnotations;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Hosting.Jobs;

public enum JobStorageKind
{
    InMemory,
    PostgreSql,
}

public sealed class JobsOptions : IConfigSection
{
    public static string SectionName => "Jobs";

    /// <summary>InMemory for one node; PostgreSql when several nodes share one queue.</summary>
    public JobStorageKind Storage { get; set; } = JobStorageKind.InMemory;

    /// <summary>Hangfire workers on this node (jobs run at once).</summary>
    [DocumentedDefault("2 × CPU cores")]
    [Range(1, 256, ErrorMessage = "Jobs:WorkerCount must be between 1 and 256")]
    public int WorkerCount { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>
    /// How often delayed jobs (retry back-offs, the merge gate's mergeability re-check, stage lease
    /// take-overs) are moved to their queue. Hangfire's 15 s default would add up to 15 s to delays
    /// of a few seconds; checking the schedule is one cheap storage query.
    /// </summary>
    [Range(1, 60, ErrorMessage = "Jobs:SchedulePollingSeconds must be between 1 and 60")]
    public int SchedulePollingSeconds { get; set; } = 1;
}
