using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Sandboxes;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Reports;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Checks the deployed app in a real browser.</summary>
public sealed class WebEvalStage(IWebEvaluator evaluator, WebEvalArtifacts artifacts, IPreviewDeployments deployments,
    IOptions<PipelineOptions> options)
    : IStageExecutor
{
    public StageKind Kind => StageKind.WebEval;

    /// <summary>
    /// Each attempt keeps its own report, so a re-run never overwrites the evidence of the one before.
    /// </summary>
    public static string ReportKey(long runId, int attempt) => $"runs/{runId}/web-eval-{attempt}";

    public async Task<StageOutcome> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        if (context.Run.DeploymentUrl is null)
        {
            return StageOutcome.Skipped("nothing was deployed to evaluate");
        }
        var config = context.Config.WebEval;
        if (config.Pages.Count == 0 && string.IsNullOrWhiteSpace(config.Task))
        {
            return StageOutcome.Skipped("no web_eval pages or task configured");
        }
        // Written where the admin site's report page reads, and linked from the check run's text.
        var key = ReportKey(context.Run.Id, context.Stage.Attempt);
        var reportUrl = new Uri(options.Value.PublicUrl, WebEvalArtifacts.PageUrl(key).TrimStart('/')).ToString();
        // The run's deployment, live and of the run's head (woken after a restart or a sweep), never the saved address:
        // its port may be dead or another process's by now.
        var preview = await deployments.ForEvaluationAsync(context.Run.DeploymentId,
            await context.Source(cancellationToken), context.Config.Deploy, new Uri(context.Run.DeploymentUrl),
            cancellationToken);
        if (preview.Url is not { } url || (preview.DeploymentId is { } id && !deployments.Serves(id, url)))
        {
            return StageOutcome.Infrastructure("The browser check did not run: "
                + (preview.Refusal ?? "the address no longer belongs to the run's deployment"));
        }
        // The browser uses the deployment's internal address; reports link people to the preview path they can open.
        var previewUrl = new Uri(options.Value.PublicUrl,
            PreviewDeployments.PreviewPathOf(context.Run.Repository, context.Run.PullRequest).TrimStart('/'));
        var request = new WebEvalRequest(url, config, artifacts.DirectoryFor(key), reportUrl, previewUrl);
        var outcome = await evaluator.EvaluateAsync(request, cancellationToken);
        return outcome.Verdict switch
        {
            WebEvalVerdict.Passed => new StageOutcome(StageConclusion.Success, "Web evaluation passed", outcome.Summary)
            { Log = outcome.Markdown, ReportPath = outcome.ReportPath },
            WebEvalVerdict.Failed => new StageOutcome(StageConclusion.Failure, "Web evaluation failed", outcome.Summary)
            { Log = outcome.Markdown, ReportPath = outcome.ReportPath },
            WebEvalVerdict.Skipped => StageOutcome.Skipped(outcome.Summary) with { Log = outcome.Markdown },
            _ => StageOutcome.Infrastructure($"The browser check could not run: {outcome.Summary}")
                with { Log = outcome.Markdown },
        };
    }
}
