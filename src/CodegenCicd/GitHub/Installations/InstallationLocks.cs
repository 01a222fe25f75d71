using CodegenCicd.Hosting.Concurrency;

namespace CodegenCicd.GitHub.Installations;

/// <summary>
/// GitHub sends <c>installation</c> and <c>installation_repositories</c> for one install within
/// milliseconds, and jobs run in parallel; changes to one installation are applied one at a time
/// in this process (and the store tolerates a lost insert race with another node).
/// </summary>
public sealed class InstallationLocks
{
    private readonly KeyedLocks<long> locks = new();

    public Task<IDisposable> AcquireAsync(long installationId, CancellationToken cancellationToken) =>
        locks.AcquireAsync(installationId, cancellationToken);
}
