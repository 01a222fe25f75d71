using System.Text;
using CodegenCicd.Data;
using CodegenCicd.Pipelines.Comments;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// What happens once a run ends or waits: the PR comment is brought up to date and, for an end, the
/// outcome listeners (the Codegen fix loop) are told — at least once, marked after they all returned.
/// </summary>
public sealed class RunFinisher(
    AppDbContext db, PullRequestComments comments, IEnumerable<IPipelineOutcomeListener> listeners, ILogger<RunFinisher> logger)
{
    public async Task FinishAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        if (run.Status is RunStatus.Waiting || run.Status.IsFinal())
        {
            await comments.UpsertAsync(run, cancellationToken);
        }
        if (!run.Status.IsFinal() || run.OutcomeNotified)
        {
            return;
        }
        var outcome = new PipelineRunOutcome(run.Id, run.ProjectId, run.Repository, run.PullRequest, run.HeadBranch, run.HeadSha,
            run.PullRequestUrl is null ? null : new Uri(run.PullRequestUrl), Conclusion(run.Status), FailureReport(run));
        foreach (var listener in listeners)
        {
            try
            {
                await listener.OnRunCompletedAsync(outcome, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Outcome listener {Listener} failed for run {RunId}", listener.GetType().Name, run.Id);
            }
        }
        var id = run.Id;
        await db.Set<PipelineRun>().Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.OutcomeNotified, true), cancellationToken);
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
