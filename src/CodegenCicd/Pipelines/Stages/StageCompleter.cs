using System.Globalization;
using System.Text.Json;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Runs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Records what a stage attempt found — only if that attempt still owns the stage — then tells
/// GitHub and moves the run on. Infrastructure errors go back to the queue with back-off first.
/// </summary>
public sealed class StageCompleter(
    PipelineStore store, CheckRunSync sync, RunAdvancer advancer, IBackgroundJobClient jobs,
    IOptions<PipelineOptions> options, TimeProvider time, ILogger<StageCompleter> logger)
{
    public async Task CompleteAsync(long stageId, int attempt, StageOutcome outcome, CancellationToken cancellationToken)
    {
        store.Db.ChangeTracker.Clear();
        if (await store.FindStageAsync(stageId, cancellationToken) is not ({ } run, { } stage)
            || stage.Status != StageStatus.InProgress || stage.Attempt != attempt)
        {
            logger.LogInformation("Stage {StageId} attempt {Attempt} no longer owns the stage; its result is dropped", stageId, attempt);
            return;
        }
        var now = time.GetUtcNow();
        if (outcome.InfrastructureError && stage.InfrastructureFailures < options.Value.InfrastructureRetries)
        {
            stage.InfrastructureFailures++;
            var delay = TimeSpan.FromSeconds(options.Value.RetryDelaySeconds * Math.Pow(2, stage.InfrastructureFailures - 1));
            stage.MoveTo(StageStatus.Queued, now);
            stage.Summary = string.Create(CultureInfo.InvariantCulture,
                $"Retry {stage.InfrastructureFailures} of {options.Value.InfrastructureRetries} in {delay.TotalSeconds:F0} s after an infrastructure error: {outcome.Summary}");
            if (await store.TrySaveAsync(run, cancellationToken))
            {
                await sync.SyncAsync(run, stage, cancellationToken);
                if (delay > TimeSpan.Zero)
                {
                    jobs.Schedule<StageJob>(j => j.RunAsync(stageId, CancellationToken.None), delay);
                }
                else
                {
                    jobs.Enqueue<StageJob>(JobQueues.Default, j => j.RunAsync(stageId, CancellationToken.None));
                }
            }
            return;
        }
        var summary = outcome.InfrastructureError && stage.InfrastructureFailures > 0
            ? $"{outcome.Summary}\n\nStill failing after {stage.InfrastructureFailures} retries; this is not a failure of the pull request. Fix the cause, then press “Re-run”."
            : outcome.Summary;
        stage.Complete(outcome.Conclusion, outcome.Title, summary, now);
        stage.Log = outcome.Log;
        stage.ReportPath = outcome.ReportPath;
        stage.AnnotationsJson = outcome.Annotations.Count == 0 ? null : JsonSerializer.Serialize(outcome.Annotations);
        if (outcome.Waiting)
        {
            run.MoveTo(RunStatus.Waiting, now, outcome.Title);
        }
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return;
        }
        logger.LogInformation("Stage {Kind} of run {RunId} ended {Conclusion}: {Title}", stage.Kind, run.Id, stage.Conclusion, stage.Title);
        await sync.SyncAsync(run, stage, cancellationToken);
        if (outcome.RecheckAfter is { } recheck)
        {
            jobs.Schedule<RunReevaluationJob>(j => j.RunAsync(run.Id, attempt, CancellationToken.None), recheck);
        }
        await advancer.AdvanceAsync(run.Id, cancellationToken);
    }
}
