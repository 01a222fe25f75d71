using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Codegen.Runs;

/// <summary>One step of an agent run's status history.</summary>
public sealed class AgentRunEvent
{
    public long Id { get; set; }

    public int AgentRunId { get; set; }

    public DateTimeOffset At { get; set; }

    public AgentRunStatus Status { get; set; }

    public string? CodegenStatus { get; set; }

    public string Note { get; set; } = "";
}

internal sealed class AgentRunEventConfiguration : IEntityTypeConfiguration<AgentRunEvent>
{
    public void Configure(EntityTypeBuilder<AgentRunEvent> builder)
    {
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(e => e.CodegenStatus).HasMaxLength(32);
        builder.HasIndex(e => new { e.AgentRunId, e.At });
    }
}
