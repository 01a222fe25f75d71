using System.Threading.Channels;

namespace CodegenCicd.Notifications;

/// <summary>One live update for the admin pages, e.g. ("stage.updated", {runId, stage, status}).</summary>
public sealed record LiveEvent(string Type, object Data, DateTimeOffset At);

/// <summary>
/// Fan-out of live updates to the pages' server-sent event stream: in-process, and on PostgreSQL to
/// every other node too (see <see cref="PostgresLiveEventRelay"/>). Publishing never blocks: a
/// subscriber that falls behind loses its oldest events (the page reloads state on reconnect).
/// </summary>
public sealed class LiveEvents(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly List<Channel<LiveEvent>> subscribers = [];

    /// <summary>Where events published here also go (the other nodes); null on a single node.</summary>
    internal Action<LiveEvent>? Relay { get; set; }

    public void Publish(string type, object data)
    {
        var item = new LiveEvent(type, data, time.GetUtcNow());
        Deliver(item);
        Relay?.Invoke(item);
    }

    /// <summary>Hands an event to this node's subscribers only (one that another node published).</summary>
    internal void Deliver(LiveEvent item)
    {
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
