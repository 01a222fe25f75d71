using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Pipelines.Effects;

/// <summary>
/// What must follow a saved change of a run, in the order a run's due effects are carried out:
/// GitHub first sees the stages' states, then the run's state, then the preview goes, then the run moves on.
/// </summary>
public enum EffectKind
{
    /// <summary>Push the stage's persisted state to its check run.</summary>
    SyncCheckRun = 0,

    /// <summary>Bring the PR comment up to date; a final state is also told to the outcome listeners.</summary>
    ReportRun = 1,

    /// <summary>Tear the PR's preview down, unless a newer run of the PR has taken it over.</summary>
    TearDownPreview = 2,

    /// <summary>Prepare a queued run, start its next stage, or end it (<see cref="Stages.RunAdvancer"/>).</summary>
    Advance = 3,

    /// <summary>A waiting merge gate looks again (mergeability or a required check still pending).</summary>
    RecheckMerge = 4,
}

/// <summary>
/// One row of the outbox: written in the same <c>SaveChanges</c> as the change it follows, carried out
/// by <see cref="EffectProcessor"/> at least once, and deleted when done. Every effect reads the run's
/// current state when it runs, so doing one twice (a crash before the delete, two nodes) changes nothing.
/// </summary>
public sealed class PipelineEffect
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public long? StageId { get; set; }

    public EffectKind Kind { get; set; }

    /// <summary>
    /// <see cref="EffectKind.ReportRun"/>: the status it reports; a run that moved on since has a newer row.
    /// </summary>
    public RunStatus? ForStatus { get; set; }

    /// <summary><see cref="EffectKind.RecheckMerge"/>: the merge stage's attempt that asked for it.</summary>
    public int? ForAttempt { get; set; }

    /// <summary>When it is due, in Unix milliseconds (SQLite cannot compare <c>DateTimeOffset</c> columns).</summary>
    public long DueAt { get; set; }

    /// <summary>The processor that claimed it; it is someone else's until <see cref="LeaseUntil"/>.</summary>
    public Guid? LeaseToken { get; set; }

    public long? LeaseUntil { get; set; }

    /// <summary>Failed attempts so far; each pushes <see cref="DueAt"/> further out.</summary>
    public int Failures { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public static PipelineEffect For(long runId, EffectKind kind, DateTimeOffset now,
        DateTimeOffset? due = null) => new()
    {
        RunId = runId,
        Kind = kind,
        DueAt = (due ?? now).ToUnixTimeMilliseconds(),
        CreatedAt = now,
    };
}

internal sealed class PipelineEffectConfiguration : IEntityTypeConfiguration<PipelineEffect>
{
    public void Configure(EntityTypeBuilder<PipelineEffect> builder)
    {
        builder.HasIndex(e => e.DueAt);
        builder.HasIndex(e => new { e.RunId, e.Kind });
        builder.Property(e => e.ForStatus).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.LastError).HasMaxLength(500);
        builder.HasOne<PipelineRun>().WithMany(r => r.Effects).HasForeignKey(e => e.RunId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PipelineStage>().WithMany(s => s.Effects).HasForeignKey(e => e.StageId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
