using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Accounts;

/// <summary>
/// The single admin account when <c>Admin:Password</c> is not configured (set on the first-run page).
/// </summary>
public sealed class AdminAccount
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>ASP.NET Identity's PBKDF2 password hash; null until the first-run page sets it.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>SHA-256 of the current one-time setup code; cleared once used.</summary>
    public string? SetupCodeHash { get; set; }

    public DateTimeOffset? SetupCodeIssuedAt { get; set; }

    public DateTimeOffset? PasswordChangedAt { get; set; }
}

internal sealed class AdminAccountConfiguration : IEntityTypeConfiguration<AdminAccount>
{
    public void Configure(EntityTypeBuilder<AdminAccount> builder)
    {
        builder.ToTable("AdminAccount");
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.PasswordHash).HasMaxLength(512);
        builder.Property(a => a.SetupCodeHash).HasMaxLength(128);
    }
}
