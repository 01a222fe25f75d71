using CodegenCicd.Data;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Recovery;

/// <summary>
/// At start-up, runs a previous process left unfinished are moved on again: the job storage (where
/// their stage jobs were) may have been lost with it, the database was not. Each such run gets an
/// <see cref="EffectKind.Advance"/> effect, and the <see cref="EffectPump"/> does what is due: these,
/// and whatever the previous process saved but had not carried out yet (check runs, comments, teardowns,
/// merge re-checks). Advancing is idempotent, so a run another live node is working on is left to it.
/// </summary>
public sealed class PipelineRecovery(IServiceScopeFactory scopes, EffectSignal signal, TimeProvider time,
    ILogger<PipelineRecovery> logger)
    : BackgroundService
{
    private readonly DateTimeOffset startedAt = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Runs created since this process started are moving already; only older ones were orphaned.
        var recovered = await RecoverAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), startedAt,
            time.GetUtcNow(), stoppingToken);
        signal.Wake();
        if (recovered > 0)
        {
            logger.LogInformation("Resuming {Count} unfinished pipeline runs", recovered);
        }
    }

    public static async Task<int> RecoverAsync(AppDbContext db, DateTimeOffset createdBefore, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var unfinished = await db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .Where(r => !r.Effects.Any(e => e.Kind == EffectKind.Advance))
            .Select(r => new { r.Id, r.CreatedAt }).ToListAsync(cancellationToken);
        var orphaned = unfinished.Where(r => r.CreatedAt < createdBefore).Select(r => r.Id).ToList();
        db.AddRange(orphaned.Select(id => PipelineEffect.For(id, EffectKind.Advance, now)));
        await db.SaveChangesAsync(cancellationToken);
        return orphaned.Count;
    }
}
