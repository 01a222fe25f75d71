using System.Globalization;
using System.Text.Json;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Records what a stage attempt found — only if that attempt still owns the stage — with what follows
/// in the same save (the check run, moving the run on, a merge gate's re-check), then carries that out.
/// Infrastructure errors go back to the queue first, their retry due after a back-off.
/// </summary>
public sealed class StageCompleter(
    PipelineStore store, EffectProcessor effects, IOptions<PipelineOptions> options, TimeProvider time,
    ILogger<StageCompleter> logger)
{
    public async Task CompleteAsync(long stageId, int attempt, StageOutcome outcome,
        CancellationToken cancellationToken)
    {
        if (await store.FindStageAsync(stageId, cancellationToken) is not ({ } run, { } stage)
            || stage.Status != StageStatus.InProgress || stage.Attempt != attempt)
        {
            logger.LogInformation("Stage {StageId} attempt {Attempt} no longer owns the stage; its result is dropped",
                stageId, attempt);
            return;
        }
        var now = time.GetUtcNow();
        if (outcome.InfrastructureError && stage.InfrastructureFailures < options.Value.InfrastructureRetries)
        {
            stage.InfrastructureFailures++;
            var delay = TimeSpan.FromSeconds(
                options.Value.RetryDelaySeconds * Math.Pow(2, stage.InfrastructureFailures - 1));
            stage.MoveTo(StageStatus.Queued, now);
            stage.Summary = string.Create(CultureInfo.InvariantCulture,
                $"Retry {stage.InfrastructureFailures} of {options.Value.InfrastructureRetries} "
                + $"in {delay.TotalSeconds:F0} s after an infrastructure error: {outcome.Summary}");
            run.Advance(now, due: now + delay);
            if (await store.TrySaveAsync(run, cancellationToken))
            {
                await effects.ProcessRunAsync(run.Id, cancellationToken);
            }
            return;
        }
        var summary = outcome.InfrastructureError && stage.InfrastructureFailures > 0
            ? $"{outcome.Summary}\n\nStill failing after {stage.InfrastructureFailures} retries; "
                + "this is not a failure of the pull request. Fix the cause, then press “Re-run”."
            : outcome.Summary;
        stage.Complete(outcome.Conclusion, outcome.Title, summary, now);
        stage.Log = outcome.Log;
        stage.ReportPath = outcome.ReportPath;
        stage.AnnotationsJson = outcome.Annotations.Count == 0 ? null : JsonSerializer.Serialize(outcome.Annotations);
        if (outcome.Waiting)
        {
            run.MoveTo(RunStatus.Waiting, now, outcome.Title);
        }
        if (outcome.RecheckAfter is { } recheck)
        {
            // In the database, not the job storage: a restart or another node still looks again on time.
            run.RecheckMerge(attempt, now, due: now + recheck);
        }
        run.Advance(now);
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return;
        }
        logger.LogInformation("Stage {Kind} of run {RunId} ended {Conclusion}: {Title}", stage.Kind, run.Id,
            stage.Conclusion, stage.Title);
        if (stage.Kind == StageKind.Merge)
        {
            // Only the latest evaluation's re-check counts; the older ones would find a newer attempt and do nothing.
            var runId = run.Id;
            await store.Db.Set<PipelineEffect>()
                .Where(e => e.RunId == runId && e.Kind == EffectKind.RecheckMerge && e.ForAttempt != attempt
                    && e.LeaseToken == null)
                .ExecuteDeleteAsync(cancellationToken);
        }
        await effects.ProcessRunAsync(run.Id, cancellationToken);
    }
}
