using CodegenCicd.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub.Credentials;

/// <summary>What the setup flow or the import form hands over to be stored.</summary>
public sealed record NewAppCredentials(
    long AppId, string PrivateKeyPem, string WebhookSecret, string? Slug, string? HtmlUrl, string? ClientId,
    string? ClientSecret);

/// <summary>
/// The one place that knows the App's current credentials, so the JWT, the installation tokens and
/// the webhook signature check all follow a setup without a restart. Credentials stored by the setup
/// flow win over configuration (setup is the later, deliberate act). Reads are cached briefly: the
/// webhook endpoint asks on every request, and other nodes pick up a change within the cache window.
/// </summary>
public sealed class AppCredentialsProvider(
    IServiceScopeFactory scopes, IOptionsMonitor<GitHubOptions> options, IDataProtectionProvider protection,
    TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly IDataProtector protector = protection.CreateProtector("CodegenCicd.GitHub.AppCredentials.v1");
    private readonly SemaphoreSlim reload = new(1, 1);
    private (AppCredentials? Value, DateTimeOffset LoadedAt)? cached;

    /// <summary>Raised after stored credentials change (token caches drop tokens of the old App).</summary>
    public event Action? Changed;

    /// <summary>The credentials in effect, or null when neither configuration nor setup provided any.</summary>
    public async ValueTask<AppCredentials?> GetAsync(CancellationToken cancellationToken)
    {
        if (cached is { } hit && time.GetUtcNow() - hit.LoadedAt < CacheFor)
        {
            return hit.Value;
        }
        await reload.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } again && time.GetUtcNow() - again.LoadedAt < CacheFor)
            {
                return again.Value;
            }
            var value = await LoadAsync(cancellationToken);
            cached = (value, time.GetUtcNow());
            return value;
        }
        finally
        {
            reload.Release();
        }
    }

    public async Task SaveAsync(NewAppCredentials credentials, CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var row = await db.Set<StoredAppCredentials>()
                .FindAsync([StoredAppCredentials.SingletonId], cancellationToken);
            if (row is null)
            {
                row = new StoredAppCredentials { ProtectedPrivateKey = "", ProtectedWebhookSecret = "" };
                db.Add(row);
            }
            row.AppId = credentials.AppId;
            row.Slug = credentials.Slug;
            row.HtmlUrl = credentials.HtmlUrl;
            row.ClientId = credentials.ClientId;
            row.ProtectedClientSecret =
                credentials.ClientSecret is null ? null : protector.Protect(credentials.ClientSecret);
            row.ProtectedWebhookSecret = protector.Protect(credentials.WebhookSecret);
            row.ProtectedPrivateKey = protector.Protect(credentials.PrivateKeyPem);
            row.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
        cached = null;
        Changed?.Invoke();
    }

    private async Task<AppCredentials?> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.Set<StoredAppCredentials>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == StoredAppCredentials.SingletonId, cancellationToken);
        if (row is not null)
        {
            // An imported App has no client secret: configuration may supply the OAuth client then.
            var storedClient = row.ProtectedClientSecret is not null;
            return new AppCredentials(row.AppId, protector.Unprotect(row.ProtectedPrivateKey),
                protector.Unprotect(row.ProtectedWebhookSecret), CredentialSource.Database, row.Slug, row.HtmlUrl,
                storedClient ? row.ClientId : options.CurrentValue.ClientId ?? row.ClientId,
                storedClient ? protector.Unprotect(row.ProtectedClientSecret!) : options.CurrentValue.ClientSecret);
        }
        var o = options.CurrentValue;
        if (o.AppId is null && string.IsNullOrWhiteSpace(o.WebhookSecret))
        {
            return null;
        }
        var pem = !string.IsNullOrWhiteSpace(o.PrivateKey) ? o.PrivateKey
            : !string.IsNullOrWhiteSpace(o.PrivateKeyPath)
                ? await File.ReadAllTextAsync(o.PrivateKeyPath, cancellationToken)
            : null;
        return new AppCredentials(o.AppId, pem, string.IsNullOrWhiteSpace(o.WebhookSecret) ? null : o.WebhookSecret,
            CredentialSource.Configuration, ClientId: o.ClientId, ClientSecret: o.ClientSecret);
    }
}
