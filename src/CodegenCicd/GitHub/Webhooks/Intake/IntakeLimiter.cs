namespace CodegenCicd.GitHub.Webhooks.Intake;

/// <summary>
/// Bounds the deliveries being read, verified and stored at once (<c>Webhooks:MaxConcurrentDeliveries</c>),
/// so a flood costs a bounded amount of memory: past the bound a request waits briefly for a place and is
/// then refused with 503 and <c>Retry-After</c>, before its body is read. Also tells the batch writer how
/// many admitted deliveries are still on their way to it, so it knows when waiting for company pays.
/// </summary>
public sealed class IntakeLimiter(Microsoft.Extensions.Options.IOptions<WebhookOptions> options)
{
    /// <summary>How long a request past the bound waits for a place before it is refused.</summary>
    public static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(1);

    private readonly int bound = options.Value.MaxConcurrentDeliveries;
    private readonly SemaphoreSlim places =
        new(options.Value.MaxConcurrentDeliveries, options.Value.MaxConcurrentDeliveries);
    private int arriving;

    /// <summary>Deliveries admitted and not yet answered.</summary>
    public int Admitted => bound - places.CurrentCount;

    /// <summary>Admitted deliveries not yet handed to the writer (their body is being read or checked).</summary>
    public int Arriving => Volatile.Read(ref arriving);

    /// <summary>A place for one delivery, or null when none freed up within <see cref="QueueWait"/>.</summary>
    public async Task<Slot?> EnterAsync(CancellationToken cancellationToken)
    {
        if (!await places.WaitAsync(QueueWait, cancellationToken))
        {
            return null;
        }
        Interlocked.Increment(ref arriving);
        return new Slot(this);
    }

    /// <summary>Held for the whole request; <see cref="Arrived"/> once the delivery is handed over.</summary>
    public sealed class Slot(IntakeLimiter limiter) : IDisposable
    {
        private int arrived;
        private int released;

        public void Arrived()
        {
            if (Interlocked.Exchange(ref arrived, 1) == 0)
            {
                Interlocked.Decrement(ref limiter.arriving);
            }
        }

        public void Dispose()
        {
            Arrived();
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                limiter.places.Release();
            }
        }
    }
}
