namespace CodegenCicd.GitHub.Webhooks.Dispatch;

/// <summary>
/// Wakes the dispatcher when there may be work, and says what kind: new deliveries of named repositories
/// (<see cref="Stored"/>), or anything else that may make a delivery claimable (<see cref="Wake"/>: a
/// redelivery, a lane that finished, deliveries without a repository). Many wake-ups before it looks count
/// as one. The dispatcher skips a claim when all that is new belongs to repositories it is running anyway:
/// their deliveries wait for the running lane, and under a burst on one repository claiming again after
/// every committed batch would scan the whole backlog each time.
/// </summary>
public sealed class DispatchSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly Lock pendingLock = new();
    private bool anything;
    private HashSet<string>? repositories;

    /// <summary>Something other than new deliveries of known repositories may have made work claimable.</summary>
    public void Wake()
    {
        lock (pendingLock)
        {
            anything = true;
        }
        Release();
    }

    /// <summary>Deliveries of these repositories (null: of none) were stored.</summary>
    public void Stored(IEnumerable<string?> stored)
    {
        lock (pendingLock)
        {
            foreach (var repository in stored)
            {
                if (repository is null)
                {
                    anything = true;
                }
                else
                {
                    (repositories ??= new HashSet<string>(StringComparer.Ordinal)).Add(repository);
                }
            }
        }
        Release();
    }

    /// <summary>
    /// Waits for a wake-up or for <paramref name="timeout"/>. True when a claim may find something: woken by
    /// <see cref="Wake"/>, by a repository not in <paramref name="running"/>, or the timeout passed (other nodes'
    /// deliveries and expired claims are found only by looking).
    /// </summary>
    public async Task<bool> WaitAsync(
        TimeSpan timeout, Func<IReadOnlySet<string>> running, CancellationToken cancellationToken)
    {
        if (!await signal.WaitAsync(timeout, cancellationToken))
        {
            return true;
        }
        bool woken;
        HashSet<string>? arrived;
        lock (pendingLock)
        {
            (woken, arrived) = (anything, repositories);
            (anything, repositories) = (false, null);
        }
        if (woken)
        {
            return true;
        }
        if (arrived is null)
        {
            return false;
        }
        var busy = running();
        return arrived.Any(repository => !busy.Contains(repository));
    }

    private void Release()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }
}
