using System.Collections.Concurrent;
using System.Globalization;

namespace CodegenCicd.Data;

/// <summary>
/// What was last read from some tables, kept until anything it is made of may have changed. Whoever sees a write
/// to those tables calls <see cref="Invalidate"/>, which starts a new generation; an entry counts only in the
/// generation it was read in, and for at most <c>maxAge</c>, which bounds what a write nobody announced (another
/// node's) can leave stale. A read that overlapped a write is not kept: it may have seen the database before the
/// commit. At most <c>capacity</c> entries are kept (a full cache starts again empty), so keys chosen by callers
/// (a query string) cannot grow it without bound.
/// </summary>
public class GenerationCache<TKey, TValue>(TimeProvider time, TimeSpan maxAge, int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> entries = new();
    private long generation;

    private long Generation => Interlocked.Read(ref generation);

    /// <summary>Take it before reading the database; hand it to <see cref="Store"/> with what was read.</summary>
    public ReadTicket BeginRead() => new(Generation, time.GetUtcNow());

    /// <summary>Everything cached so far may be stale.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }

    /// <summary>The value read for <paramref name="key"/> in this generation, less than maxAge ago.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (entries.TryGetValue(key, out var entry) && entry.Generation == Generation
            && time.GetUtcNow() - entry.ReadAt < maxAge)
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>
    /// The value for <paramref name="key"/> from the cache, or read by <paramref name="read"/> and kept (when
    /// <paramref name="keep"/>) unless a write came while it was being read.
    /// </summary>
    public async Task<TValue> GetOrReadAsync(TKey key, Func<Task<TValue>> read, bool keep = true)
    {
        if (TryGet(key, out var cached))
        {
            return cached;
        }
        var ticket = BeginRead();
        var value = await read();
        if (keep)
        {
            Store(ticket, key, value);
        }
        return value;
    }

    /// <summary>A set of ids as part of a key (e.g. the projects a person may see): the same set, the same text.</summary>
    public static string? KeyOf(IReadOnlySet<int>? ids) =>
        ids is null ? null : string.Join(',', ids.Order().Select(id => id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Keeps what was read for <paramref name="key"/>, unless a write came since <paramref name="ticket"/>.</summary>
    public void Store(ReadTicket ticket, TKey key, TValue value)
    {
        // Checked per entry: an Invalidate between the check and the write leaves an entry of an old
        // generation, which TryGet refuses.
        if (ticket.Generation != Generation)
        {
            return;
        }
        if (entries.Count >= capacity && !entries.ContainsKey(key))
        {
            entries.Clear();
        }
        entries[key] = new Entry(value, ticket.Generation, ticket.At);
    }

    /// <summary>When a read began: the generation it belongs to and the time its entries age from.</summary>
    public readonly record struct ReadTicket(long Generation, DateTimeOffset At);

    private sealed record Entry(TValue Value, long Generation, DateTimeOffset ReadAt);
}
