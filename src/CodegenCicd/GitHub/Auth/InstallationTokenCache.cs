using System.Collections.Concurrent;
using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Credentials;

namespace CodegenCicd.GitHub.Auth;

/// <summary>
/// Installation tokens, kept in memory per installation and reused until 5 minutes before GitHub's
/// <c>expires_at</c>. Concurrent callers for one installation share a single refresh (a semaphore per
/// installation), so a burst of jobs never stampedes <c>access_tokens</c>.
/// </summary>
public sealed class InstallationTokenCache
{
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<long, Slot> slots = new();
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider time;

    public InstallationTokenCache(IServiceScopeFactory scopes, TimeProvider time, AppCredentialsProvider credentials)
    {
        this.scopes = scopes;
        this.time = time;
        // Tokens belong to one App; after a setup switches Apps, none of them may be reused.
        credentials.Changed += slots.Clear;
    }

    public async Task<string> GetAsync(long installationId, CancellationToken cancellationToken)
    {
        var slot = slots.GetOrAdd(installationId, _ => new Slot());
        if (slot.Current is { } fresh && IsFresh(fresh))
        {
            return fresh.Token;
        }
        await slot.Refresh.WaitAsync(cancellationToken);
        try
        {
            if (slot.Current is { } refreshedMeanwhile && IsFresh(refreshedMeanwhile))
            {
                return refreshedMeanwhile.Token;
            }
            await using var scope = scopes.CreateAsyncScope();
            var api = scope.ServiceProvider.GetRequiredService<GitHubAppApi>();
            slot.Current = await api.CreateInstallationTokenAsync(installationId, cancellationToken);
            return slot.Current.Token;
        }
        finally
        {
            slot.Refresh.Release();
        }
    }

    /// <summary>Drops a token GitHub refused (revoked, or the installation was deleted).</summary>
    public void Forget(long installationId) => slots.TryRemove(installationId, out _);

    private bool IsFresh(InstallationTokenResponse token) => token.ExpiresAt - RefreshBefore > time.GetUtcNow();

    private sealed class Slot
    {
        public SemaphoreSlim Refresh { get; } = new(1, 1);

        public volatile InstallationTokenResponse? Current;
    }
}
