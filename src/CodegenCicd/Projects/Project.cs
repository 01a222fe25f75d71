using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Projects;

/// <summary>A repository the App is installed on; pinned projects show on the dashboard and run pipelines.</summary>
public sealed class Project
{
    public int Id { get; set; }

    /// <summary>GitHub's numeric repository id (stable across renames).</summary>
    public long GitHubRepositoryId { get; set; }

    /// <summary><c>owner/name</c>.</summary>
    public required string FullName { get; set; }

    public string DefaultBranch { get; set; } = "main";

    /// <summary>The GitHub App installation that reaches this repository.</summary>
    public long? InstallationId { get; set; }

    /// <summary>False when the installation was suspended or deleted, or the repository removed from it.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>Pinned by an admin: shown on the dashboard and validated.</summary>
    public bool IsPinned { get; set; }

    public bool IsPrivate { get; set; }

    public ProjectSettings Settings { get; set; } = new();

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string Owner => FullName.Split('/')[0];

    public string Name => FullName.Split('/')[^1];
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.HasIndex(p => p.FullName).IsUnique();
        builder.HasIndex(p => p.GitHubRepositoryId);
        builder.Property(p => p.FullName).HasMaxLength(200);
        builder.Property(p => p.DefaultBranch).HasMaxLength(255);
        builder.Property(p => p.Settings).HasConversion(ProjectSettings.Converter, ProjectSettings.Comparer);
        builder.Ignore(p => p.Owner);
        builder.Ignore(p => p.Name);
    }
}
