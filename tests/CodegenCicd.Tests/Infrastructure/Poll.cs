namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// The tests' one poll-until-deadline loop, for state that only a query can show (a row, a fake's
/// log). A deadline here is a bound on a hang, never a timed assertion: the condition decides.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="done"/> accepts its value and returns that value;
    /// when <paramref name="within"/> has passed, throws a <see cref="TimeoutException"/> that describes the last one.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, Func<T, string> describe, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(describe(value));
            }
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, string what, TimeSpan? interval = null) =>
        UntilAsync(condition, ok => ok, within, _ => $"Timed out after {within.TotalSeconds} s waiting for {what}", interval);

    public static Task UntilAsync(Func<bool> condition, TimeSpan within, string what, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), within, what, interval);
}
