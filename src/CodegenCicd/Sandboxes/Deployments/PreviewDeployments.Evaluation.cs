using CodegenCicd.Projects;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// What web-eval browses: the run's own deployment, live and of the run's head, never a saved address.
/// </summary>
internal sealed partial class PreviewDeployments
{
    public async Task<PreviewForEvaluation> ForEvaluationAsync(int? deploymentId, SandboxSource source,
        DeployConfig config, Uri? deployedUrl, CancellationToken cancellationToken)
    {
        var live = registry.Find(source.Repository, source.PullRequest);
        if (live is not null && live.HeadSha != source.HeadSha && !live.Process.HasExited)
        {
            // The PR moved on: browsing now would judge another commit's code under this run's name.
            return new(null, null, false,
                $"the preview of #{source.PullRequest} now serves {live.HeadSha[..Math.Min(12, live.HeadSha.Length)]}, "
                + $"not this run's {source.HeadSha[..Math.Min(12, source.HeadSha.Length)]}");
        }
        var woken = live is null || live.Process.HasExited || (deploymentId is { } id && live.Id != id);
        var result = await DeployAsync(source, config, cancellationToken);
        if (!result.Succeeded || result.DeploymentId is null)
        {
            return new(null, null, woken,
                $"the preview could not be started again: {result.Error ?? "the app did not start"}",
                result.InfrastructureError);
        }
        if (registry.Find(source.Repository, source.PullRequest) is not { } serving
            || serving.Id != result.DeploymentId
            || serving.HeadSha != source.HeadSha)
        {
            return new(null, null, woken, "the preview was replaced while it was being started");
        }
        serving.MarkUsed(time.GetUtcNow());
        return new(serving.Result.LocalUrl, serving.Id, woken, null);
    }

    /// <summary>
    /// Whether <paramref name="url"/> is still where deployment <paramref name="deploymentId"/> answers (its port was
    /// not handed to anything else).
    /// </summary>
    public bool Serves(int deploymentId, Uri url) =>
        registry.All.Any(d => d.Id == deploymentId && !d.Process.HasExited && d.Result.LocalUrl is { } own
            && own.Port == url.Port && string.Equals(own.Host, url.Host, StringComparison.OrdinalIgnoreCase));
}
