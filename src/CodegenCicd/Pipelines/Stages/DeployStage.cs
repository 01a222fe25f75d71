using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Deploys the head into a sandbox (snapshot of the setup, then start) and records where it answers.</summary>
public sealed class DeployStage(IPreviewDeployments deployments, IOptions<PipelineOptions> options) : IStageExecutor
{
    public StageKind Kind => StageKind.Deploy;

    public async Task<StageOutcome> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(context.Config.Deploy.Start))
        {
            return StageOutcome.Skipped("no deploy.start command configured");
        }
        var result = await deployments.DeployAsync(await context.Source(cancellationToken), context.Config.Deploy,
            cancellationToken);
        if (result.InfrastructureError)
        {
            return StageOutcome.Infrastructure($"The sandbox could not start: {result.Error}");
        }
        var table = CommandReport.Table(result.Commands) + StageContextFactory.ForkNote(context.Run);
        var log = CommandReport.Logs(result.Commands);
        if (!result.Succeeded || result.LocalUrl is null)
        {
            var failed = CommandReport.FirstFailure(result.Commands);
            var what = failed is not null ? CommandReport.Describe(failed) : result.Error ?? "the app did not start";
            var tail = failed is not null
                ? $"\n\nLast output of `{failed.Command}`:\n\n```\n{failed.OutputTail}\n```"
                : "";
            return new StageOutcome(StageConclusion.Failure,
                "Deploy failed: " + what.Replace("`", "", StringComparison.Ordinal),
                $"Deploy failed: {what}.\n\n{table}{tail}") { Log = log };
        }
        context.Run.DeploymentUrl = result.LocalUrl.ToString();
        context.Run.PreviewPath = result.PreviewPath;
        context.Run.DeploymentId = result.DeploymentId;
        await context.SaveRunAsync(cancellationToken);
        var preview = result.PreviewPath is null
            ? result.LocalUrl.ToString()
            : new Uri(options.Value.PublicUrl, result.PreviewPath.TrimStart('/')).ToString();
        var snapshot = result.SnapshotRestored ? $"restored snapshot `{result.SnapshotKey}`" : "fresh setup";
        return new StageOutcome(StageConclusion.Success, "Deployed",
            $"Deployed ({snapshot}). Preview: {preview}\n\n{table}") { Log = log };
    }
}
