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

    [Range(1, 256, ErrorMessage = "Jobs:WorkerCount must be between 1 and 256")]
    public int WorkerCount { get; set; } = Environment.ProcessorCount * 2;
}
