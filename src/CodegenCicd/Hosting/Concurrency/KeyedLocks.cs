using System.Collections.Concurrent;

namespace CodegenCicd.Hosting.Concurrency;

/// <summary>
/// One async lock per key, within this process: work on one key (an installation, a pull request's
/// preview) runs one at a time while different keys run in parallel. A lock is kept for the life of
/// the process; keys are few (installations, open pull requests).
/// </summary>
public sealed class KeyedLocks<TKey>(IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, SemaphoreSlim> locks = new(comparer);

    /// <summary>
    /// Waits for the key's lock; disposing the result releases it (once, however often it is disposed).
    /// </summary>
    public async Task<IDisposable> AcquireAsync(TKey key, CancellationToken cancellationToken)
    {
        var gate = locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
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
