using System.Collections.Concurrent;

namespace CodegenCicd.GitHub.Installations;

/// <summary>
/// GitHub sends <c>installation</c> and <c>installation_repositories</c> for one install within
/// milliseconds, and jobs run in parallel; changes to one installation are applied one at a time
/// in this process (and the store tolerates a lost insert race with another node).
/// </summary>
public sealed class InstallationLocks
{
    private readonly ConcurrentDictionary<long, SemaphoreSlim> locks = new();

    public async Task<IDisposable> AcquireAsync(long installationId, CancellationToken cancellationToken)
    {
        var gate = locks.GetOrAdd(installationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
