using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Recovery;

/// <summary>
/// A recurring job so no check run stays <c>in_progress</c> forever: a stage running past its
/// timeout ends <c>timed_out</c>, and a stage whose worker went silent is taken over. (A check run
/// that missed an update needs nothing here: its effect is still in the outbox, retried by the pump.)
/// </summary>
public sealed class StageWatchdog(
    PipelineStore store, StageCompleter completer, StageCancellations cancellations, UnpreparedRun unprepared,
    EffectSignal signal, IOptions<PipelineOptions> options, TimeProvider time)
{
    public const string JobId = "pipelines-watchdog";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Filtered in memory: SQLite cannot compare DateTimeOffset columns, and few stages run at once.
        var running = await store.Db.Set<PipelineStage>().AsNoTracking()
            .Where(s => s.Status == StageStatus.InProgress)
            .ToListAsync(cancellationToken);
        var runs = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => running.Select(s => s.RunId).Contains(r.Id))
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        foreach (var stage in running)
        {
            var limit = Timeout(stage, runs.GetValueOrDefault(stage.RunId));
            if (stage.StartedAt is { } started && now - started > limit)
            {
                await completer.CompleteAsync(stage.Id, stage.Attempt, new StageOutcome(StageConclusion.TimedOut,
                    $"Timed out after {limit.TotalMinutes:F0} minutes",
                    $"The stage ran for more than {limit.TotalMinutes:F0} minutes and was stopped by the watchdog. "
                    + "Press “Re-run” to try again."),
                    cancellationToken);
                cancellations.Cancel(stage.Id);
            }
        }
        await ResumeAsync(running, now, cancellationToken);
        await GiveUpOnUnpreparedRunsAsync(now, cancellationToken);
    }

    /// <summary>
    /// A run whose preparation kept failing (GitHub unreachable for longer than the job retries)
    /// ends <c>action_required</c>, with whatever check runs it created, instead of staying queued.
    /// </summary>
    private async Task GiveUpOnUnpreparedRunsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromMinutes(options.Value.StageTimeoutMinutes);
        var queued = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Status == RunStatus.Queued)
            .ToListAsync(cancellationToken);
        var reason = $"The run could not be prepared within {limit.TotalMinutes:F0} minutes "
            + "(GitHub unreachable or refusing the App). Push again or press “Re-run” on the run page.";
        foreach (var id in queued.Where(r => now - r.CreatedAt > limit).Select(r => r.Id))
        {
            await unprepared.EndAsync(id, reason, cancellationToken);
        }
    }

    /// <summary>
    /// Runs whose stage's worker went silent, or whose next stage has waited past the lease for a job that never
    /// came, are moved on again: the stage job takes the stage over, or is sent where it can run now. (A web-eval
    /// job waits on the queue of the node holding the preview; if that node dies first, nobody else listens there.)
    /// </summary>
    private async Task ResumeAsync(List<PipelineStage> running, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromSeconds(options.Value.StageLeaseSeconds);
        var silent = running.Where(s => now - (s.HeartbeatAt ?? s.StartedAt ?? now) > lease)
            .Select(s => s.RunId).Concat(await StrandedAsync(now - lease, cancellationToken)).Distinct().ToList();
        var advancing = await store.Db.Set<PipelineEffect>().AsNoTracking()
            .Where(e => silent.Contains(e.RunId) && e.Kind == EffectKind.Advance)
            .Select(e => e.RunId).ToListAsync(cancellationToken);
        var resumed = silent.Except(advancing)
            .Select(runId => PipelineEffect.For(runId, EffectKind.Advance, now)).ToList();
        if (resumed.Count > 0)
        {
            store.Db.AddRange(resumed);
            await store.Db.SaveChangesAsync(cancellationToken);
            signal.Wake();
        }
    }

    /// <summary>Running runs whose next stage is queued, its turn come before <paramref name="cutoff"/>.</summary>
    private async Task<IEnumerable<long>> StrandedAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var runs = await store.Db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages)
            .Where(r => r.Status == RunStatus.Running).ToListAsync(cancellationToken);
        return runs.Where(run =>
        {
            var stages = run.Stages.OrderBy(s => s.Kind).ToList();
            var next = stages.FindIndex(s => s.Status != StageStatus.Completed);
            if (next < 0 || stages[next].Status != StageStatus.Queued
                || stages.Take(next).Any(s => !s.Conclusion!.Value.IsPassing()))
            {
                return false;
            }
            var turnCame = next > 0 ? stages[next - 1].CompletedAt : run.StartedAt;
            return turnCame < cutoff;
        }).Select(r => r.Id);
    }

    private TimeSpan Timeout(PipelineStage stage, PipelineRun? run)
    {
        var timeout = TimeSpan.FromMinutes(options.Value.StageTimeoutMinutes);
        return stage.Kind == StageKind.Deploy && run is not null
            ? timeout + TimeSpan.FromSeconds(StageContextFactory.ReadConfig(run).Deploy.TimeoutSeconds)
            : timeout;
    }
}
