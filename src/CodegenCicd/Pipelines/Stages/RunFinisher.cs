using System.Text;
using CodegenCicd.Pipelines.Comments;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// The <see cref="Effects.EffectKind.ReportRun"/> effect: the PR comment is brought up to date and, for
/// a final state, the outcome listeners (the Codegen fix loop) are told. At least once: a listener may
/// hear of one outcome twice (a crash before the effect was marked done), so listeners are idempotent per run.
/// </summary>
public sealed class RunFinisher(PullRequestComments comments, IEnumerable<IPipelineOutcomeListener> listeners,
    ILogger<RunFinisher> logger)
{
    public async Task ReportAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        await comments.UpsertAsync(run, cancellationToken);
        if (!run.Status.IsFinal())
        {
            return;
        }
        var outcome = new PipelineRunOutcome(run.Id, run.ProjectId, run.Repository, run.PullRequest, run.HeadBranch,
            run.HeadSha, run.PullRequestUrl is null ? null : new Uri(run.PullRequestUrl), Conclusion(run.Status),
            FailureReport(run));
        foreach (var listener in listeners)
        {
            try
            {
                await listener.OnRunCompletedAsync(outcome, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Outcome listener {Listener} failed for run {RunId}", listener.GetType().Name,
                    run.Id);
            }
        }
    }

    private static PipelineConclusion Conclusion(RunStatus status) => status switch
    {
        RunStatus.Succeeded => PipelineConclusion.Success,
        RunStatus.Failed => PipelineConclusion.Failure,
        RunStatus.Cancelled => PipelineConclusion.Cancelled,
        _ => PipelineConclusion.ActionRequired,
    };

    private static string FailureReport(PipelineRun run)
    {
        if (run.Status == RunStatus.Succeeded)
        {
            return "";
        }
        var report = new StringBuilder();
        foreach (var stage in run.Stages.OrderBy(s => s.Kind).Where(s => s.Conclusion is { } c && !c.IsPassing()))
        {
            report.Append($"## {stage.Kind.CheckRunName()}: {stage.Conclusion}\n\n{stage.Summary}\n\n");
            if (stage.Log is { Length: > 0 } log)
            {
                report.Append(log.Length > 8000 ? log[^8000..] : log).Append("\n\n");
            }
        }
        return report.ToString();
    }
}
