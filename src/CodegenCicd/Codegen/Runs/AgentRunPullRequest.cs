using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// A PR the agent opened (from Codegen's <c>github_pull_requests</c>), and its latest pipeline verdict.
/// </summary>
public sealed class AgentRunPullRequest
{
    public int Id { get; set; }

    public int AgentRunId { get; set; }

    public required string Url { get; set; }

    public string? Title { get; set; }

    public string? HeadBranch { get; set; }

    public long? CodegenPullRequestId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }

    /// <summary>The last pipeline conclusion seen for this PR (Success, Failure…), null before any.</summary>
    public string? LastPipelineConclusion { get; set; }

    public long? LastPipelineRunId { get; set; }
}

internal sealed class AgentRunPullRequestConfiguration : IEntityTypeConfiguration<AgentRunPullRequest>
{
    public void Configure(EntityTypeBuilder<AgentRunPullRequest> builder)
    {
        builder.Property(p => p.Url).HasMaxLength(500);
        builder.Property(p => p.HeadBranch).HasMaxLength(255);
        builder.Property(p => p.LastPipelineConclusion).HasMaxLength(32);
        builder.HasIndex(p => new { p.AgentRunId, p.Url }).IsUnique();
        builder.HasIndex(p => p.Url);
        builder.HasIndex(p => p.HeadBranch);
    }
}
