using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// A Codegen agent run started for a project: what was asked, what Codegen answered, and what happened since.
/// </summary>
public sealed class AgentRun
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    /// <summary>What the user asked for.</summary>
    public required string Target { get; set; }

    /// <summary>The project's planning statement at the time the run started.</summary>
    public string PlanningStatement { get; set; } = "";

    /// <summary>The first prompt exactly as sent to Codegen.</summary>
    public string Prompt { get; set; } = "";

    public bool AutoConfirm { get; set; }

    public long? CodegenRunId { get; set; }

    public string? WebUrl { get; set; }

    public AgentRunStatus Status { get; set; } = AgentRunStatus.Starting;

    /// <summary>Codegen's own status string as last seen (e.g. ACTIVE).</summary>
    public string? CodegenStatus { get; set; }

    public string? Plan { get; set; }

    public string? Result { get; set; }

    /// <summary>Why the run failed or needs a person, in words for the user.</summary>
    public string? Error { get; set; }

    /// <summary>Failure reports sent back to the agent so far.</summary>
    public int Iterations { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When <see cref="Status"/> last changed; polling backs off as this ages.</summary>
    public DateTimeOffset StatusChangedAt { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }

    /// <summary>When the tracker should next ask Codegen; null when the run is not polled.</summary>
    public DateTimeOffset? NextPollAt { get; set; }

    public DateTimeOffset? ResumedAt { get; set; }

    /// <summary>Codegen's result when we last resumed, to tell a fresh answer from the previous one.</summary>
    public string? ResultBeforeResume { get; set; }

    public bool SeenWorkingSinceResume { get; set; }

    /// <summary>
    /// Changed on every save, so two writers (poll job, fix loop) cannot overwrite each other unseen.
    /// </summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    public List<AgentRunEvent> History { get; set; } = [];

    public List<AgentRunPullRequest> PullRequests { get; set; } = [];

    public List<AgentRunIteration> IterationRecords { get; set; } = [];
}

internal sealed class AgentRunConfiguration : IEntityTypeConfiguration<AgentRun>
{
    public void Configure(EntityTypeBuilder<AgentRun> builder)
    {
        builder.HasOne<Project>().WithMany().HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.CodegenStatus).HasMaxLength(32);
        builder.Property(r => r.WebUrl).HasMaxLength(500);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.Status, r.NextPollAt });
        builder.HasIndex(r => r.CodegenRunId);
        builder.HasMany(r => r.History).WithOne().HasForeignKey(e => e.AgentRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.PullRequests).WithOne().HasForeignKey(p => p.AgentRunId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.IterationRecords).WithOne().HasForeignKey(i => i.AgentRunId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
