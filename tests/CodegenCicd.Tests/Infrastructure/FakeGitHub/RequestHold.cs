namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>Holds requests of the fake until released; <see cref="Reached"/> completes when the first one waits.</summary>
public sealed class RequestHold
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int held;

    public Task Reached => reached.Task;

    /// <summary>Requests that waited (or wait) on this hold.</summary>
    public int Held => held;

    public void Release() => released.TrySetResult();

    internal async Task WaitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref held);
        reached.TrySetResult();
        await released.Task.WaitAsync(cancellationToken);
    }
}
