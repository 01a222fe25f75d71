using System.Threading.Channels;

namespace CodegenCicd.Notifications;

/// <summary>
/// One live update for the pages, e.g. ("stage.updated", {runId, stage, status}), and who may hear it
/// (see <see cref="LiveEventAudience"/>).
/// </summary>
public sealed record LiveEvent(string Type, object Data, DateTimeOffset At, LiveEventAudience Audience);

/// <summary>
/// Who an event is for: app-wide admins hear every event; a person signed in with GitHub hears an
/// event of a project (or a repository) they may read. An event with neither is app-wide (webhook
/// deliveries): only admins hear it, which is also what an event that forgot to say gets.
/// </summary>
public sealed record LiveEventAudience(int? ProjectId, string? Repository)
{
    public static readonly LiveEventAudience AppAdmins = new(null, null);

    public static LiveEventAudience OfProject(int projectId) => new(projectId, null);

    public static LiveEventAudience OfRepository(string repository) => new(null, repository);

    public bool IsAppWide => ProjectId is null && string.IsNullOrEmpty(Repository);
}

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

    /// <summary>An app-wide event: only app-wide admins hear it.</summary>
    public void Publish(string type, object data) => Publish(type, data, LiveEventAudience.AppAdmins);

    public void Publish(string type, object data, LiveEventAudience audience)
    {
        var item = new LiveEvent(type, data, time.GetUtcNow(), audience);
        Deliver(item);
        Relay?.Invoke(item);
    }

    /// <summary>
    /// Told of every event this node hands out, its own and other nodes', synchronously and before any subscriber
    /// (caches that must forget what an event says has changed).
    /// </summary>
    public event Action<LiveEvent>? Delivering;

    /// <summary>
    /// Calls <paramref name="changed"/> for every event of a project, this node's or another's: something of that
    /// project was written (a run, a stage, an agent run), so what a cache holds of it may be stale.
    /// </summary>
    public void OnProjectEvent(Action changed) => Delivering += item =>
    {
        if (item.Audience.ProjectId is not null)
        {
            changed();
        }
    };

    /// <summary>Hands an event to this node's subscribers only (one that another node published).</summary>
    internal void Deliver(LiveEvent item)
    {
        Delivering?.Invoke(item);
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
