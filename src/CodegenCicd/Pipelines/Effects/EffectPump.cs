namespace CodegenCicd.Pipelines.Effects;

/// <summary>
/// Carries out due effects on this node: at start-up (what a crashed or stopped process left, and the
/// timed ones that came due meanwhile), when a change here left some (<see cref="EffectSignal"/>), when
/// the next one comes due (a merge re-check, a back-off), and every few seconds for those another
/// node wrote or gave up. So timed work lives in the database, not in the job storage.
/// </summary>
public sealed class EffectPump(EffectProcessor processor, EffectSignal signal, TimeProvider time,
    ILogger<EffectPump> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Blocked = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Poll;
            try
            {
                var done = await processor.ProcessDueAsync(stoppingToken);
                if (await processor.NextDueAsync(stoppingToken) is { } next)
                {
                    wait = next - time.GetUtcNow();
                    // Nothing done although something is due: its run waits on an effect held elsewhere.
                    wait = wait < Blocked && done == 0 ? Blocked : wait;
                    wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Poll ? Poll : wait;
                }
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database is away for a moment: look again at the next poll.
                logger.LogWarning(e, "Carrying out pipeline effects failed");
                await Task.Delay(Poll, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
