using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Ends a run that could not be prepared as <c>action_required</c>, with the reason on every stage,
/// instead of leaving it queued: the App is not configured, or GitHub kept refusing for longer than
/// the watchdog waits. Whatever check runs it created say so too.
/// </summary>
public sealed class UnpreparedRun(PipelineStore store, EffectProcessor effects, TimeProvider time)
{
    public async Task EndAsync(long runId, string reason, CancellationToken cancellationToken)
    {
        if (await store.FindRunAsync(runId, cancellationToken) is not { Status: RunStatus.Queued } run)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var stage in run.Stages.Where(s => s.Status != StageStatus.Completed))
        {
            stage.Complete(StageConclusion.ActionRequired, "Could not prepare the run", reason, now);
        }
        run.MoveTo(RunStatus.ActionRequired, now, "could not prepare the run");
        if (await store.TrySaveAsync(run, cancellationToken))
        {
            await effects.ProcessRunAsync(run.Id, cancellationToken);
        }
    }
}
