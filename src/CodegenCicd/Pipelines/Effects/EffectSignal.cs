namespace CodegenCicd.Pipelines.Effects;

/// <summary>Wakes this node's <see cref="EffectPump"/> when a saved change left effects for it.</summary>
public sealed class EffectSignal
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: the pump looks at every due effect when it wakes.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        wake.WaitAsync(timeout, cancellationToken);
}
