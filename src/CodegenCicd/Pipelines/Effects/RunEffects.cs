using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Effects;

/// <summary>
/// Adds outbox rows to a tracked run or stage, so they are inserted by the same <c>SaveChanges</c> as
/// the change they follow. A row already added and not yet saved is not added twice.
/// </summary>
public static class RunEffects
{
    /// <summary>GitHub is to see the stage's state (whatever it is when the row is carried out).</summary>
    public static void SyncCheckRun(this PipelineStage stage, DateTimeOffset now)
    {
        if (!stage.Effects.Any(e => e.Id == 0 && e.Kind == EffectKind.SyncCheckRun))
        {
            var effect = PipelineEffect.For(stage.RunId, EffectKind.SyncCheckRun, now);
            effect.StageId = stage.Id == 0 ? null : stage.Id;
            stage.Effects.Add(effect);
        }
    }

    /// <summary>
    /// The PR comment is to show the run's current status (and a final one is told to the listeners).
    /// </summary>
    public static void ReportRun(this PipelineRun run, DateTimeOffset now) =>
        Add(run, EffectKind.ReportRun, now, e => e.ForStatus == run.Status, e => e.ForStatus = run.Status);

    /// <summary>The run is to move on: prepared, its next stage started, or ended.</summary>
    public static void Advance(this PipelineRun run, DateTimeOffset now, DateTimeOffset? due = null) =>
        Add(run, EffectKind.Advance, now, _ => true, e => e.DueAt = (due ?? now).ToUnixTimeMilliseconds());

    public static void TearDownPreview(this PipelineRun run, DateTimeOffset now) =>
        Add(run, EffectKind.TearDownPreview, now, _ => true, _ => { });

    /// <summary>The merge gate of <paramref name="attempt"/> is to look again at <paramref name="due"/>.</summary>
    public static void RecheckMerge(this PipelineRun run, int attempt, DateTimeOffset now, DateTimeOffset due) =>
        Add(run, EffectKind.RecheckMerge, now, e => e.ForAttempt == attempt,
            e => (e.ForAttempt, e.DueAt) = (attempt, due.ToUnixTimeMilliseconds()));

    private static void Add(PipelineRun run, EffectKind kind, DateTimeOffset now, Func<PipelineEffect, bool> same,
        Action<PipelineEffect> set)
    {
        if (run.Effects.Any(e => e.Id == 0 && e.Kind == kind && same(e)))
        {
            return;
        }
        var effect = PipelineEffect.For(run.Id, kind, now);
        set(effect);
        run.Effects.Add(effect);
    }
}
