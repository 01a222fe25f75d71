using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.GitHub.Installations;

/// <summary>An account (user or organization) that installed the App; its repositories are the projects.</summary>
public sealed class Installation
{
    /// <summary>GitHub's installation id.</summary>
    public long Id { get; set; }

    public required string AccountLogin { get; set; }

    /// <summary>"User" or "Organization".</summary>
    public string? AccountType { get; set; }

    /// <summary>"all" or "selected".</summary>
    public string? RepositorySelection { get; set; }

    public string? HtmlUrl { get; set; }

    public bool IsSuspended { get; set; }

    /// <summary>The App was uninstalled; kept for the history of its deliveries and runs.</summary>
    public bool IsDeleted { get; set; }

    public bool IsActive => !IsSuspended && !IsDeleted;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> builder)
    {
        builder.ToTable("Installations");
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.AccountLogin).HasMaxLength(100);
        builder.Property(i => i.AccountType).HasMaxLength(32);
        builder.Property(i => i.RepositorySelection).HasMaxLength(16);
        builder.Property(i => i.HtmlUrl).HasMaxLength(500);
        builder.Ignore(i => i.IsActive);
    }
}
