using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// A failing pipeline run answered by the fix loop: either a report sent back to the agent, or the
/// note that the limit was reached. One row per (agent run, pipeline run) makes the loop idempotent.
/// </summary>
public sealed class AgentRunIteration
{
    public int Id { get; set; }

    public int AgentRunId { get; set; }

    /// <summary>1, 2, … for reports sent; 0 when the limit was reached and nothing was sent.</summary>
    public int Number { get; set; }

    public long PipelineRunId { get; set; }

    public string? PullRequestUrl { get; set; }

    public string HeadSha { get; set; } = "";

    public string Report { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When Codegen accepted the resume; null while not (yet) delivered.</summary>
    public DateTimeOffset? SentAt { get; set; }

    public bool LimitReached { get; set; }
}

internal sealed class AgentRunIterationConfiguration : IEntityTypeConfiguration<AgentRunIteration>
{
    public void Configure(EntityTypeBuilder<AgentRunIteration> builder)
    {
        builder.Property(i => i.HeadSha).HasMaxLength(64);
        builder.Property(i => i.PullRequestUrl).HasMaxLength(500);
        builder.HasIndex(i => new { i.AgentRunId, i.PipelineRunId }).IsUnique();
    }
}
