using CodegenCicd.Pipelines.Runs;
using CodegenCicd.WebEval;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Checks the deployed app in a real browser.</summary>
public sealed class WebEvalStage(IWebEvaluator evaluator, IOptions<PipelineOptions> options, IHostEnvironment environment) : IStageExecutor
{
    public StageKind Kind => StageKind.WebEval;

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
        var artifacts = Path.Combine(environment.ContentRootPath, options.Value.ArtifactRoot, $"run-{context.Run.Id}", $"attempt-{context.Stage.Attempt}");
        var outcome = await evaluator.EvaluateAsync(new WebEvalRequest(new Uri(context.Run.DeploymentUrl), config, artifacts), cancellationToken);
        return outcome.Verdict switch
        {
            WebEvalVerdict.Passed => new StageOutcome(StageConclusion.Success, "Web evaluation passed", outcome.Summary)
            { Log = outcome.Markdown, ReportPath = outcome.ReportPath },
            WebEvalVerdict.Failed => new StageOutcome(StageConclusion.Failure, "Web evaluation failed", outcome.Summary)
            { Log = outcome.Markdown, ReportPath = outcome.ReportPath },
            WebEvalVerdict.Skipped => StageOutcome.Skipped(outcome.Summary) with { Log = outcome.Markdown },
            _ => StageOutcome.Infrastructure($"The browser check could not run: {outcome.Summary}") with { Log = outcome.Markdown },
        };
    }
}
