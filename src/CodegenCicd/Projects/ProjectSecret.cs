using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Projects;

/// <summary>An environment variable for a project's sandboxes; the value is encrypted with Data Protection.</summary>
public sealed class ProjectSecret
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public required string Name { get; set; }

    /// <summary>Data Protection ciphertext; the plain value is never stored or returned.</summary>
    public required string ProtectedValue { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class ProjectSecretConfiguration : IEntityTypeConfiguration<ProjectSecret>
{
    public void Configure(EntityTypeBuilder<ProjectSecret> builder)
    {
        builder.HasIndex(s => new { s.ProjectId, s.Name }).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(ProjectSecrets.MaxNameLength);
        builder.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
