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

    /// <param name="autoReplenishment">False only in tests, which advance the windows with <see cref="AdvanceSegment"/>.</param>
    public CodegenRateLimits(CodegenOptions options, bool autoReplenishment = true)
    {
        AllCalls = Create(options.RequestsPerWindow, options.RequestWindow, options.QueueLimit, autoReplenishment);
        Creations = Create(options.CreationsPerWindow, options.CreationWindow, options.QueueLimit, autoReplenishment);
    }

    public SlidingWindowRateLimiter AllCalls { get; }

    public SlidingWindowRateLimiter Creations { get; }

    /// <summary>Moves both windows on by one segment (a sixth of a window), as the timer would.</summary>
    public void AdvanceSegment()
    {
        AllCalls.TryReplenish();
        Creations.TryReplenish();
    }

    public void Dispose()
    {
        AllCalls.Dispose();
        Creations.Dispose();
    }

    private static SlidingWindowRateLimiter Create(int permits, TimeSpan window, int queueLimit, bool autoReplenishment) => new(
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
