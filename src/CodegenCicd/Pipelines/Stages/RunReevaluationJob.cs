using CodegenCicd.Pipelines.Control;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Looks at a waiting merge gate again (scheduled when GitHub was still computing mergeability).</summary>
public sealed class RunReevaluationJob(RunControl control)
{
    public Task RunAsync(long runId, CancellationToken cancellationToken) =>
        control.ReevaluateMergeAsync(runId, cancellationToken);
}
