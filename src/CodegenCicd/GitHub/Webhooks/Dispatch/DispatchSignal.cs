namespace CodegenCicd.GitHub.Webhooks.Dispatch;

/// <summary>
/// Wakes the dispatcher when there may be work: a batch committed, a delivery was reset for redelivery,
/// a lane finished. Many wake-ups before it looks count as one.
/// </summary>
public sealed class DispatchSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
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

    /// <summary>True when woken; false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        signal.WaitAsync(timeout, cancellationToken);
}
