using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;

namespace CodegenCicd.Pipelines.Effects;

/// <summary>
/// What each kind of effect does. Each reads the run as it is now, not as it was when the row was
/// written, so an effect that a later change made moot does nothing, and one carried out twice sends
/// GitHub nothing new (check runs and the PR comment skip a body they already sent).
/// </summary>
public sealed class EffectExecutor(
    PipelineStore store, CheckRunSync checkRuns, RunFinisher finisher, PreviewTeardown previews, RunAdvancer advancer,
    RunControl control)
{
    public async Task ExecuteAsync(PipelineEffect effect, CancellationToken cancellationToken)
    {
        switch (effect.Kind)
        {
            case EffectKind.SyncCheckRun when effect.StageId is { } stageId:
                if (await store.FindStageAsync(stageId, cancellationToken) is ({ } run, { } stage))
                {
                    await checkRuns.SyncAsync(run, stage, cancellationToken);
                }
                break;
            case EffectKind.ReportRun:
                // A run that moved on since has a newer row of its own.
                if (await store.FindRunAsync(effect.RunId, cancellationToken) is { } reported
                    && reported.Status == effect.ForStatus)
                {
                    await finisher.ReportAsync(reported, cancellationToken);
                }
                break;
            case EffectKind.TearDownPreview:
                await previews.TearDownAsync(effect.RunId, cancellationToken);
                break;
            case EffectKind.Advance:
                await advancer.AdvanceAsync(effect.RunId, cancellationToken);
                break;
            case EffectKind.RecheckMerge:
                await control.ReevaluateMergeAsync(effect.RunId, cancellationToken, effect.ForAttempt);
                break;
        }
    }
}
