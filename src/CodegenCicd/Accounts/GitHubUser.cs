using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Accounts;

/// <summary>
/// A person who signed in with GitHub: their login and their user-to-server token, encrypted with
/// Data Protection (the key ring every node shares). The token is what permission checks ask GitHub
/// with; the session stamp is in their cookie, so signing out (a new stamp) ends every session of theirs.
/// </summary>
public sealed class GitHubUser
{
    /// <summary>GitHub's user id (stable across login renames).</summary>
    public long Id { get; set; }

    public required string Login { get; set; }

    public required string ProtectedToken { get; set; }

    public required string SessionStamp { get; set; }

    public DateTimeOffset SignedInAt { get; set; }
}

internal sealed class GitHubUserConfiguration : IEntityTypeConfiguration<GitHubUser>
{
    public void Configure(EntityTypeBuilder<GitHubUser> builder)
    {
        builder.ToTable("GitHubUsers");
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.Login).HasMaxLength(100);
        builder.Property(u => u.SessionStamp).HasMaxLength(64);
    }
}
