using CodegenCicd.Pipelines;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// The pipeline's listener for agent PRs: links the PR to its agent run and, on failure, sends the
/// report back (<see cref="AgentRunFixes"/>). A singleton that opens its own scope per outcome, so the
/// pipeline may resolve listeners from any container.
/// </summary>
public sealed class AgentRunFixLoop(IServiceScopeFactory scopes) : IPipelineOutcomeListener
{
    public async Task OnRunCompletedAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AgentRunFixes>().HandleAsync(outcome, cancellationToken);
    }
}
