using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace CodegenCicd.Notifications;

/// <summary>
/// Turns a <see cref="LiveEvents"/> subscription into server-sent events: first a <c>ready</c> event
/// carrying the reconnect hint (sent once the subscription is live, so nothing published after it is
/// missed), then one unnamed event per live update, and a <c>heartbeat</c> event every 15 s so proxies
/// keep the connection and browsers notice a dead one. Only the events <c>mayReceive</c> lets through
/// are sent (see <see cref="LiveEventAccess"/>).
/// </summary>
public static class LiveEventStream
{
    public static readonly TimeSpan ReconnectAfter = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(15);

    public static async IAsyncEnumerable<SseItem<object>> ReadAsync(
        LiveEvents live, TimeProvider time, Func<LiveEvent, CancellationToken, ValueTask<bool>> mayReceive,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = live.SubscribeAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        // Starting the first read registers the subscription before the client hears "ready".
        var next = events.MoveNextAsync().AsTask();
        yield return new SseItem<object>(new { at = time.GetUtcNow() }, "ready")
            { ReconnectionInterval = ReconnectAfter };
        // One timer at a time: re-armed only after it fires, not once per event.
        var heartbeat = Task.Delay(HeartbeatEvery, time, cancellationToken);
        while (true)
        {
            var first = await Task.WhenAny(next, heartbeat);
            if (first == heartbeat)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Let the pending read finish (it sees the same token) before the subscription is disposed.
                    await next.ContinueWith(static _ => { }, CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    yield break;
                }
                yield return new SseItem<object>(new { at = time.GetUtcNow() }, "heartbeat");
                heartbeat = Task.Delay(HeartbeatEvery, time, cancellationToken);
                continue;
            }
            if (!await next)
            {
                yield break;
            }
            var item = events.Current;
            if (await mayReceive(item, cancellationToken))
            {
                yield return new SseItem<object>(new { type = item.Type, data = item.Data, at = item.At });
            }
            next = events.MoveNextAsync().AsTask();
        }
    }
}
