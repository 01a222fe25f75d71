using System.Security.Cryptography;
using System.Text;
using CodegenCicd.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Accounts;

public enum FirstRunResult
{
    PasswordSet,
    WrongCode,
    AlreadySetUp,
}

/// <summary>Checks the admin password and runs the Jenkins-style first-run setup code.</summary>
public sealed class AdminCredentials(AppDbContext db, IOptions<AdminOptions> options, TimeProvider time)
{
    private static readonly PasswordHasher<AdminAccount> Hasher = new();

    public bool PasswordFromConfiguration => !string.IsNullOrEmpty(options.Value.Password);

    public async Task<bool> NeedsFirstRunAsync(CancellationToken cancellationToken) =>
        !PasswordFromConfiguration
        && !await db.Set<AdminAccount>().AnyAsync(a => a.PasswordHash != null, cancellationToken);

    public async Task<bool> VerifyPasswordAsync(string password, CancellationToken cancellationToken)
    {
        if (PasswordFromConfiguration)
        {
            return FixedTimeEquals(password, options.Value.Password!);
        }
        var account = await db.Set<AdminAccount>().AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == AdminAccount.SingletonId, cancellationToken);
        return account?.PasswordHash is not null
            && Hasher.VerifyHashedPassword(account, account.PasswordHash, password)
                != PasswordVerificationResult.Failed;
    }

    /// <summary>Issues a fresh one-time code (the previous one stops working) and returns it for the log.</summary>
    public async Task<string> IssueSetupCodeAsync(CancellationToken cancellationToken)
    {
        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var account = await LoadOrCreateAsync(cancellationToken);
        account.SetupCodeHash = Sha256(code);
        account.SetupCodeIssuedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return code;
    }

    public async Task<FirstRunResult> CompleteFirstRunAsync(
        string code, string password, CancellationToken cancellationToken)
    {
        if (!await NeedsFirstRunAsync(cancellationToken))
        {
            return FirstRunResult.AlreadySetUp;
        }
        var account = await LoadOrCreateAsync(cancellationToken);
        if (account.SetupCodeHash is null || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(account.SetupCodeHash), Encoding.ASCII.GetBytes(Sha256(code.Trim()))))
        {
            return FirstRunResult.WrongCode;
        }
        account.PasswordHash = Hasher.HashPassword(account, password);
        account.PasswordChangedAt = time.GetUtcNow();
        account.SetupCodeHash = null;
        await db.SaveChangesAsync(cancellationToken);
        return FirstRunResult.PasswordSet;
    }

    /// <summary>
    /// Changes the stored password after checking the current one;
    /// impossible when the password comes from configuration.
    /// </summary>
    public async Task<bool> ChangePasswordAsync(
        string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        if (PasswordFromConfiguration || !await VerifyPasswordAsync(currentPassword, cancellationToken))
        {
            return false;
        }
        var account = await LoadOrCreateAsync(cancellationToken);
        account.PasswordHash = Hasher.HashPassword(account, newPassword);
        account.PasswordChangedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Changes whenever the stored password does; kept in the sign-in cookie so that changing the
    /// password signs every other session out. A password from configuration has a fixed stamp.
    /// </summary>
    public async Task<string> GetPasswordStampAsync(CancellationToken cancellationToken)
    {
        if (PasswordFromConfiguration)
        {
            return "configuration";
        }
        var changedAt = await db.Set<AdminAccount>().AsNoTracking().Where(a => a.Id == AdminAccount.SingletonId)
            .Select(a => a.PasswordChangedAt).FirstOrDefaultAsync(cancellationToken);
        return changedAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
    }

    public static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private async Task<AdminAccount> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var account = await db.Set<AdminAccount>()
            .FirstOrDefaultAsync(a => a.Id == AdminAccount.SingletonId, cancellationToken);
        if (account is null)
        {
            account = new AdminAccount();
            db.Add(account);
        }
        return account;
    }

    private static string Sha256(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
