using CodegenCicd.Pipelines.Control;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Looks at a waiting merge gate again (scheduled while GitHub computes mergeability or a required
/// check is pending). Only the latest evaluation's re-check counts: when the gate has looked again
/// since (a label, review or check event woke it), that evaluation scheduled its own, and this one
/// does nothing, so re-checks never pile up.
/// </summary>
public sealed class RunReevaluationJob(RunControl control)
{
    /// <param name="mergeAttempt">The merge stage's attempt that asked for this re-check.</param>
    public Task RunAsync(long runId, int mergeAttempt, CancellationToken cancellationToken) =>
        control.ReevaluateMergeAsync(runId, cancellationToken, mergeAttempt);
}
