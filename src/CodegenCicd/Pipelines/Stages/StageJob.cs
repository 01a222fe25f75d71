using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Runs one stage. Takes an id only and is safe to run any number of times: a completed stage is left
/// alone (what follows it is in the outbox), a stage another live worker holds too (a guarded save
/// decides who claims it), and a stage whose worker died (stale heartbeat) is taken over with a new attempt.
/// </summary>
[AutomaticRetry(Attempts = 5)]
public sealed class StageJob(
    PipelineStore store, IEnumerable<IStageExecutor> executors, StageContextFactory contexts, StageCompleter completer,
    EffectProcessor effects, StageCancellations cancellations, StageHeartbeat heartbeat,
    IOptions<PipelineOptions> options, TimeProvider time, ILogger<StageJob> logger)
{
    private static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(5);

    public async Task RunAsync(long stageId, CancellationToken cancellationToken)
    {
        if (await store.FindStageAsync(stageId, cancellationToken) is not ({ } run, { } stage))
        {
            return;
        }
        if (run.Status != RunStatus.Running || stage.Status is StageStatus.Completed or StageStatus.Pending
            || !EarlierStagesPassed(run, stage)
            || await ClaimAsync(run, stage, cancellationToken) is not ({ } claimedRun, { } claimedStage))
        {
            return;
        }
        (run, stage) = (claimedRun, claimedStage);
        logger.LogInformation("Stage {Kind} of run {RunId} started (attempt {Attempt})", stage.Kind, run.Id,
            stage.Attempt);
        // GitHub shows the stage in progress before it runs.
        await effects.ProcessRunAsync(run.Id, cancellationToken);
        var attempt = stage.Attempt;
        var outcome = await ExecuteAsync(run, stage, cancellationToken);
        if (outcome is not null)
        {
            await completer.CompleteAsync(stageId, attempt, outcome, cancellationToken);
        }
    }

    private static bool EarlierStagesPassed(PipelineRun run, PipelineStage stage) =>
        run.Stages.Where(s => s.Kind < stage.Kind)
            .All(s => s.Status == StageStatus.Completed && s.Conclusion!.Value.IsPassing());

    /// <summary>The claimed stage (reloaded when it had to wait), or null when another worker holds it.</summary>
    private async Task<(PipelineRun, PipelineStage)?> ClaimAsync(PipelineRun run, PipelineStage stage,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (stage.Status == StageStatus.InProgress)
        {
            var lease = TimeSpan.FromSeconds(options.Value.StageLeaseSeconds);
            var quiet = now - (stage.HeartbeatAt ?? stage.StartedAt ?? now);
            if (quiet < lease && cancellations.IsRunningHere(stage.Id))
            {
                return null;
            }
            if (quiet < lease && lease - quiet <= ShortWait)
            {
                // Probably a worker that just died (a restart): waiting out its short lease here beats a scheduler
                // round trip.
                await Task.Delay(lease - quiet + TimeSpan.FromMilliseconds(100), time, cancellationToken);
                return await store.FindStageAsync(stage.Id, cancellationToken) is ({ } fresh, { } again)
                    && again.Status == StageStatus.InProgress && again.Attempt == stage.Attempt
                    ? await ClaimAsync(fresh, again, cancellationToken)
                    : null;
            }
            if (quiet < lease)
            {
                // Held by a live worker elsewhere: look again once its lease runs out.
                run.Advance(now, due: now + lease - quiet + TimeSpan.FromMilliseconds(200));
                await store.TrySaveAsync(run, cancellationToken);
                return null;
            }
            logger.LogWarning("Stage {StageId} attempt {Attempt} has been silent for {Quiet}; taking it over",
                stage.Id, stage.Attempt, quiet);
        }
        // The merge gate decides in moments; its check goes from queued (or its last decision)
        // straight to the new decision, so a gate that looks again shows no flicker and costs no call.
        stage.MoveTo(StageStatus.InProgress, now, showOnGitHub: stage.Kind != StageKind.Merge);
        return await store.TrySaveAsync(run, cancellationToken) ? (run, stage) : null;
    }

    /// <summary>
    /// Null when the attempt was cancelled (superseded, closed, admin): its result no longer matters.
    /// </summary>
    private async Task<StageOutcome?> ExecuteAsync(PipelineRun run, PipelineStage stage, CancellationToken shutdown)
    {
        var executor = executors.Single(e => e.Kind == stage.Kind);
        var cancel = cancellations.Register(stage.Id, shutdown);
        try
        {
            await using (heartbeat.Start(stage.Id, stage.Attempt,
                TimeSpan.FromSeconds(options.Value.StageLeaseSeconds), cancel))
            {
                return await executor.ExecuteAsync(contexts.Create(run, stage), cancel.Token);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            // Only our own token means "stop". A request timeout (Octokit, HttpClient) is a
            // TaskCanceledException too, but it is an outage: retried, then action_required.
            logger.LogWarning(e, "Stage {StageId} ({Kind}) hit an infrastructure error", stage.Id, stage.Kind);
            return StageOutcome.Infrastructure(InfrastructureErrors.Describe(e));
        }
        finally
        {
            cancellations.Unregister(stage.Id, cancel);
            cancel.Dispose();
        }
    }
}
