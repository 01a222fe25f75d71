using System.Security.Cryptography;
using CodegenCicd.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Accounts;

/// <summary>Signed-in GitHub users and their encrypted tokens (this feature's table).</summary>
public sealed class GitHubUsers(AppDbContext db, IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector protector = protection.CreateProtector("CodegenCicd.Accounts.GitHubUserToken.v1");

    /// <summary>Stores the user's fresh token and returns the session stamp their cookie carries.</summary>
    public async Task<string> SignInAsync(GitHubAccount account, string token, CancellationToken cancellationToken)
    {
        var row = await db.Set<GitHubUser>().FindAsync([account.Id], cancellationToken);
        if (row is null)
        {
            row = new GitHubUser { Id = account.Id, Login = account.Login, ProtectedToken = "", SessionStamp = "" };
            db.Add(row);
        }
        row.Login = account.Login;
        row.ProtectedToken = protector.Protect(token);
        // A session started elsewhere keeps working: the stamp only changes on sign-out.
        if (row.SessionStamp.Length == 0)
        {
            row.SessionStamp = NewStamp();
        }
        row.SignedInAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return row.SessionStamp;
    }

    /// <summary>The user's token while their session is current (stamp matches), else null.</summary>
    public async Task<string?> TokenAsync(long userId, CancellationToken cancellationToken)
    {
        var row = await db.Set<GitHubUser>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        return row is null || row.SessionStamp.Length == 0 ? null : protector.Unprotect(row.ProtectedToken);
    }

    public Task<bool> IsSessionCurrentAsync(long userId, string? stamp, CancellationToken cancellationToken) =>
        stamp is { Length: > 0 }
            ? db.Set<GitHubUser>().AnyAsync(u => u.Id == userId && u.SessionStamp == stamp, cancellationToken)
            : Task.FromResult(false);

    /// <summary>Ends every session of the user and forgets their token.</summary>
    public Task SignOutAsync(long userId, CancellationToken cancellationToken) =>
        db.Set<GitHubUser>().Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.SessionStamp, "")
            .SetProperty(u => u.ProtectedToken, ""), cancellationToken);

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
