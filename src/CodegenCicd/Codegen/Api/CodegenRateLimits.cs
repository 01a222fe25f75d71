using System.Diagnostics;
using System.Threading.RateLimiting;

namespace CodegenCicd.Codegen.Api;

/// <summary>
/// Codegen's documented limits, enforced on our side so we queue instead of collecting 429s:
/// every call (60 per 30 s) and agent creation (10 per minute). Sliding windows, so a burst at
/// a window's edge cannot double the rate. One instance per process (the limits are per token).
/// </summary>
public sealed class CodegenRateLimits : IDisposable
{
    private const int SegmentsPerWindow = 6;

    private readonly TimeSpan longestSegment;
    private long lastAdvance = Stopwatch.GetTimestamp();

    /// <param name="autoReplenishment">
    /// False only in tests, which move the windows with <see cref="AdvanceSegmentAsync"/>.
    /// </param>
    public CodegenRateLimits(CodegenOptions options, bool autoReplenishment = true)
    {
        longestSegment = TimeSpan.FromTicks(
            Math.Max(options.RequestWindow.Ticks, options.CreationWindow.Ticks) / SegmentsPerWindow);
        AllCalls = Create(options.RequestsPerWindow, options.RequestWindow, options.QueueLimit, autoReplenishment);
        Creations = Create(options.CreationsPerWindow, options.CreationWindow, options.QueueLimit, autoReplenishment);
    }

    public SlidingWindowRateLimiter AllCalls { get; }

    public SlidingWindowRateLimiter Creations { get; }

    /// <summary>
    /// Moves both windows on by exactly one segment (a sixth of a window), as the timer would. The
    /// limiter ignores a replenish before a segment's time has passed, so this first lets it pass.
    /// </summary>
    public async Task AdvanceSegmentAsync()
    {
        var remaining = longestSegment - Stopwatch.GetElapsedTime(lastAdvance);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining + TimeSpan.FromMilliseconds(5));
        }
        AllCalls.TryReplenish();
        Creations.TryReplenish();
        // Taken after the limiters took theirs, so the next wait is at least a full segment for them too.
        lastAdvance = Stopwatch.GetTimestamp();
    }

    public void Dispose()
    {
        AllCalls.Dispose();
        Creations.Dispose();
    }

    private static SlidingWindowRateLimiter Create(int permits, TimeSpan window, int queueLimit,
        bool autoReplenishment) => new(
        new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            SegmentsPerWindow = SegmentsPerWindow,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = autoReplenishment,
        });
}
