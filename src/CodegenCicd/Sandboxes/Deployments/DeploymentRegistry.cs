using System.Collections.Concurrent;
using CodegenCicd.Hosting.Concurrency;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// A running preview: its sandbox, its server process, where it answers and the token of its capability link.
/// </summary>
public sealed class LiveDeployment(
    int id, string repository, int pullRequest, string headSha, int port, ISandbox sandbox, ISandboxProcess process,
    IDisposable snapshotLease, string logPath, DeployResult result, DateTimeOffset startedAt, string previewToken)
{
    private long lastUsedTicks = startedAt.UtcTicks;

    public int Id => id;

    public string Repository => repository;

    public int PullRequest => pullRequest;

    public string HeadSha => headSha;

    public int Port => port;

    public ISandbox Sandbox => sandbox;

    public ISandboxProcess Process => process;

    public IDisposable SnapshotLease => snapshotLease;

    public string LogPath => logPath;

    public DeployResult Result => result;

    /// <summary>
    /// Authorises <c>/p/{token}/</c> (see <see cref="PreviewCapability"/>); a credential, never logged.
    /// </summary>
    public string PreviewToken => previewToken;

    public DateTimeOffset LastUsedAt => new(Interlocked.Read(ref lastUsedTicks), TimeSpan.Zero);

    public void MarkUsed(DateTimeOffset now) => Interlocked.Exchange(ref lastUsedTicks, now.UtcTicks);
}

/// <summary>
/// The previews running in this process, one per (repository, PR), with
/// a lock per PR so deploys and teardowns of one PR never overlap.
/// </summary>
public sealed class DeploymentRegistry
{
    private readonly ConcurrentDictionary<string, LiveDeployment> live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveDeployment> byToken = new(StringComparer.Ordinal);
    private readonly KeyedLocks<string> locks = new(StringComparer.Ordinal);

    public static string KeyOf(string repository, int pullRequest) => $"{repository.ToLowerInvariant()}#{pullRequest}";

    public LiveDeployment? Find(string repository, int pullRequest) =>
        live.GetValueOrDefault(KeyOf(repository, pullRequest));

    /// <summary>The running preview a capability link points at, or null once it is gone (or never was).</summary>
    public LiveDeployment? FindByToken(string token) => byToken.GetValueOrDefault(token);

    public IReadOnlyList<LiveDeployment> All => live.Values.ToList();

    /// <summary>Called under the PR's lock; a preview it replaces loses its capability link.</summary>
    internal void Add(LiveDeployment deployment)
    {
        var key = KeyOf(deployment.Repository, deployment.PullRequest);
        if (live.TryGetValue(key, out var replaced))
        {
            byToken.TryRemove(replaced.PreviewToken, out _);
        }
        byToken[deployment.PreviewToken] = deployment;
        live[key] = deployment;
    }

    internal LiveDeployment? Remove(string repository, int pullRequest)
    {
        if (!live.TryRemove(KeyOf(repository, pullRequest), out var deployment))
        {
            return null;
        }
        byToken.TryRemove(deployment.PreviewToken, out _);
        return deployment;
    }

    public Task<IDisposable> LockAsync(string repository, int pullRequest, CancellationToken cancellationToken) =>
        locks.AcquireAsync(KeyOf(repository, pullRequest), cancellationToken);
}
