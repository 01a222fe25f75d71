using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Runs the configured analysis commands in a sandbox; findings become annotations.</summary>
public sealed class AnalysisStage(IPreviewDeployments deployments) : IStageExecutor
{
    public StageKind Kind => StageKind.Analysis;

    public async Task<StageOutcome> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        var warnings = ConfigNotes.Markdown(context.Run);
        if (context.Config.Analysis.Commands.Count == 0)
        {
            var skipped = StageOutcome.Skipped("no analysis commands configured");
            return skipped with { Summary = skipped.Summary + warnings };
        }
        // After the deploy setup (or its snapshot), so tools that setup installs (npx eslint) are there.
        var result = await deployments.AnalyzeAsync(await context.Source(cancellationToken), context.Config.Analysis,
            context.Config.Deploy, cancellationToken);
        if (result.InfrastructureError)
        {
            return StageOutcome.Infrastructure($"The sandbox could not run the analysis: {result.Error}");
        }
        var failed = CommandReport.FirstFailure(result.Commands);
        var findings = result.Annotations.Count(a => a.Level == AnnotationLevel.Failure);
        var passed = result.Succeeded && failed is null;
        var title = passed
            ? $"Analysis passed ({result.Annotations.Count} notes)"
            : failed is not null
                ? $"Analysis failed: {CommandReport.Describe(failed).Replace("`", "", StringComparison.Ordinal)}"
                : $"Analysis found {findings} errors";
        return new StageOutcome(passed ? StageConclusion.Success : StageConclusion.Failure, title,
            $"{(passed ? "All analysis commands passed."
                : failed is not null ? CommandReport.Describe(failed) + "."
                : $"{findings} errors found.")}\n\n"
            + $"{CommandReport.Table(result.Commands)}{StageContextFactory.ForkNote(context.Run)}{warnings}")
        {
            Log = CommandReport.Logs(result.Commands),
            Annotations = result.Annotations,
        };
    }
}
