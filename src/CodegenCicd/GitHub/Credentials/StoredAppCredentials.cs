using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.GitHub.Credentials;

/// <summary>
/// The App created by the setup flow (or imported), one row. Secrets are encrypted with ASP.NET
/// Data Protection, whose keys live in the same database, so every node can read them.
/// </summary>
public sealed class StoredAppCredentials
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long AppId { get; set; }

    public string? Slug { get; set; }

    public string? HtmlUrl { get; set; }

    public string? ClientId { get; set; }

    public string? ProtectedClientSecret { get; set; }

    public required string ProtectedWebhookSecret { get; set; }

    public required string ProtectedPrivateKey { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class StoredAppCredentialsConfiguration : IEntityTypeConfiguration<StoredAppCredentials>
{
    public void Configure(EntityTypeBuilder<StoredAppCredentials> builder)
    {
        builder.ToTable("GitHubAppCredentials");
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Slug).HasMaxLength(100);
        builder.Property(c => c.HtmlUrl).HasMaxLength(500);
        builder.Property(c => c.ClientId).HasMaxLength(100);
    }
}
