using System.Linq.Expressions;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Effects;

public static class EffectQueries
{
    /// <summary>
    /// Nothing the run's saved changes call for is left to carry out (check runs, PR comment, listeners,
    /// teardown, moving on); a waiting merge gate's timed re-check aside, which is due later by design.
    /// </summary>
    public static readonly Expression<Func<PipelineRun, bool>> Settled =
        r => !r.Effects.Any(e => e.Kind != EffectKind.RecheckMerge);

    /// <summary><see cref="Settled"/> for a run loaded with its effects.</summary>
    public static bool IsSettled(PipelineRun run) => run.Effects.All(e => e.Kind == EffectKind.RecheckMerge);
}
