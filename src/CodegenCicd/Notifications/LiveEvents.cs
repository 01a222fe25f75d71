using System.Threading.Channels;

namespace CodegenCicd.Notifications;

/// <summary>One live update for the admin pages, e.g. ("stage.updated", {runId, stage, status}).</summary>
public sealed record LiveEvent(string Type, object Data, DateTimeOffset At);

/// <summary>
/// In-process fan-out of live updates to the pages' server-sent event stream. Publishing never
/// blocks: a subscriber that falls behind loses its oldest events (the page reloads state on reconnect).
/// </summary>
public sealed class LiveEvents(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly List<Channel<LiveEvent>> subscribers = [];

    public void Publish(string type, object data)
    {
        var item = new LiveEvent(type, data, time.GetUtcNow());
        lock (gate)
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryWrite(item);
            }
        }
    }

    public async IAsyncEnumerable<LiveEvent> SubscribeAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (gate)
        {
            subscribers.Add(channel);
        }
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            lock (gate)
            {
                subscribers.Remove(channel);
            }
        }
    }
}
