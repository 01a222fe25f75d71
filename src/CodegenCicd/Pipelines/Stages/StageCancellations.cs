using System.Collections.Concurrent;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Stages running in this process, so a cancel (superseded run, closed PR, admin) stops their work
/// now instead of when they finish. The database status is what counts; this only saves time.
/// </summary>
public sealed class StageCancellations
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> running = new();

    public CancellationTokenSource Register(long stageId, CancellationToken shutdown)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        running[stageId] = source;
        return source;
    }

    public void Unregister(long stageId, CancellationTokenSource source) =>
        running.TryRemove(new KeyValuePair<long, CancellationTokenSource>(stageId, source));

    public bool IsRunningHere(long stageId) => running.ContainsKey(stageId);

    public void Cancel(long stageId)
    {
        if (running.TryGetValue(stageId, out var source))
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stage finished between the lookup and the cancel: nothing left to stop.
            }
        }
    }
}
