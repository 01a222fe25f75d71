using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Effects;

/// <summary>
/// Carries out the outbox: the one place where what follows a saved change of a run happens
/// (<see cref="EffectExecutor"/> says what each kind does). A run's due effects go one at a time, in
/// the order of <see cref="EffectKind"/>, each in its own scope. A row is claimed with a lease before it
/// is carried out and deleted after, so two callers or two nodes never carry out the same row at once;
/// a crash before the delete leaves it to be carried out again once its lease runs out (every effect is
/// idempotent). A failed effect is tried again later, its back-off stored on the row.
/// </summary>
public sealed class EffectProcessor(
    IServiceScopeFactory scopes, IOptions<PipelineOptions> options, TimeProvider time, ILogger<EffectProcessor> logger)
{
    private const int ParallelRuns = 4;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The run's due effects, now, in the caller: for changes whose follow-up should not wait for the pump.
    /// </summary>
    public async Task ProcessRunAsync(long runId, CancellationToken cancellationToken)
    {
        while (await ProcessNextAsync(runId, cancellationToken))
        {
        }
    }

    /// <summary>Every due effect of every run (start-up, and the pump's rounds); how many were carried out.</summary>
    public async Task<int> ProcessDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var done = 0;
            await Parallel.ForEachAsync(await DueRunsAsync(cancellationToken),
                new ParallelOptions { MaxDegreeOfParallelism = ParallelRuns, CancellationToken = cancellationToken },
                async (runId, ct) =>
                {
                    while (await ProcessNextAsync(runId, ct))
                    {
                        Interlocked.Increment(ref done);
                    }
                });
            total += done;
            if (done == 0)
            {
                return total;
            }
        }
    }

    /// <summary>When the next effect becomes due or its lease runs out; null when the outbox is empty.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var next = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PipelineEffect>()
            .MinAsync(e => (long?)(e.LeaseUntil != null && e.LeaseUntil > e.DueAt ? e.LeaseUntil.Value : e.DueAt),
                cancellationToken);
        return next is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    private async Task<List<long>> DueRunsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PipelineEffect>()
            .Where(e => e.DueAt <= now && (e.LeaseUntil == null || e.LeaseUntil <= now))
            .Select(e => e.RunId).Distinct().Take(100).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Claims and carries out the run's next due effect; false when there is none or another processor holds it.
    /// </summary>
    private async Task<bool> ProcessNextAsync(long runId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var effects = scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PipelineEffect>();
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var next = await effects.AsNoTracking().Where(e => e.RunId == runId && e.DueAt <= nowMs)
            .OrderBy(e => e.Kind).ThenBy(e => e.Id).FirstOrDefaultAsync(cancellationToken);
        // A run's effects go in order: while one is being carried out elsewhere, the rest wait for it.
        if (next is null || next.LeaseUntil > nowMs)
        {
            return false;
        }
        var token = Guid.NewGuid();
        var leaseUntil = (now + TimeSpan.FromSeconds(options.Value.EffectLeaseSeconds)).ToUnixTimeMilliseconds();
        if (await effects.Where(e => e.Id == next.Id && (e.LeaseUntil == null || e.LeaseUntil <= nowMs))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.LeaseToken, token).SetProperty(e => e.LeaseUntil, leaseUntil),
                cancellationToken) != 1)
        {
            return false;
        }
        try
        {
            await scope.ServiceProvider.GetRequiredService<EffectExecutor>().ExecuteAsync(next, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await RetryLaterAsync(effects, next, token, e, CancellationToken.None);
            return true;
        }
        await effects.Where(e => e.Id == next.Id && e.LeaseToken == token).ExecuteDeleteAsync(CancellationToken.None);
        return true;
    }

    private async Task RetryLaterAsync(DbSet<PipelineEffect> effects, PipelineEffect effect, Guid token,
        Exception error, CancellationToken cancellationToken)
    {
        var failures = effect.Failures + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(
            options.Value.EffectRetrySeconds * Math.Pow(2, Math.Min(failures - 1, 16)), MaxRetryDelay.TotalSeconds));
        var due = (time.GetUtcNow() + delay).ToUnixTimeMilliseconds();
        var reason = Stages.InfrastructureErrors.Describe(error);
        reason = reason.Length > 500 ? reason[..500] : reason;
        logger.LogWarning(error, "Effect {Kind} of run {RunId} failed ({Failures} so far); tried again in {Delay}",
            effect.Kind, effect.RunId, failures, delay);
        await effects.Where(e => e.Id == effect.Id && e.LeaseToken == token).ExecuteUpdateAsync(u => u
            .SetProperty(e => e.Failures, failures).SetProperty(e => e.DueAt, due).SetProperty(e => e.LastError, reason)
            .SetProperty(e => e.LeaseToken, (Guid?)null).SetProperty(e => e.LeaseUntil, (long?)null),
            cancellationToken);
    }
}
