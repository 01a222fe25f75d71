using CodegenCicd.Pipelines.Effects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Pipelines.Runs;

/// <summary>One stage of a run, with the check run it owns.</summary>
public sealed class PipelineStage
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public StageKind Kind { get; set; }

    public StageStatus Status { get; set; }

    public StageConclusion? Conclusion { get; set; }

    /// <summary>Incremented each time the stage is (re)started; a job only completes the attempt it claimed.</summary>
    public int Attempt { get; set; }

    /// <summary>Infrastructure failures in a row (retried with back-off, then action_required).</summary>
    public int InfrastructureFailures { get; set; }

    public long? CheckRunId { get; set; }

    /// <summary>
    /// A hash of the state GitHub was last sent. A merge gate that looks again and still waits for the
    /// same reasons sends nothing, and neither does an update carried out a second time.
    /// </summary>
    public string? SyncedDigest { get; set; }

    /// <summary>One-line title of the check run's output.</summary>
    public string? Title { get; set; }

    /// <summary>Markdown summary shown in the check run.</summary>
    public string? Summary { get; set; }

    /// <summary>Details: command output tails, the web-eval report's Markdown.</summary>
    public string? Log { get; set; }

    /// <summary>Annotations as JSON (<see cref="Sandboxes.CodeAnnotation"/>[]).</summary>
    public string? AnnotationsJson { get; set; }

    /// <summary>The web-eval report (JSON) on disk.</summary>
    public string? ReportPath { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Refreshed while a worker runs the stage; a stale heartbeat means the worker died.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Effects of saved changes of this stage not carried out yet (its check-run updates).</summary>
    public List<PipelineEffect> Effects { get; set; } = [];
}

internal sealed class PipelineStageConfiguration : IEntityTypeConfiguration<PipelineStage>
{
    public void Configure(EntityTypeBuilder<PipelineStage> builder)
    {
        builder.HasIndex(s => new { s.RunId, s.Kind }).IsUnique();
        builder.HasIndex(s => s.CheckRunId);
        builder.HasIndex(s => s.Status);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Status).IsConcurrencyToken();
        builder.Property(s => s.Attempt).IsConcurrencyToken();
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Conclusion).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.SyncedDigest).HasMaxLength(64);
    }
}
