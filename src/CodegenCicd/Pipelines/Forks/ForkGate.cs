using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Octokit;

namespace CodegenCicd.Pipelines.Forks;

/// <summary>
/// Stands between a prepared fork PR's run and its first stage. Nothing it does runs the PR's code: it
/// reads who the author is, then lets the run go on, holds it for a maintainer's approval (the deploy
/// check is <c>action_required</c> with "Approve and run"), or ends it with neutral checks (<c>forks: skip</c>).
/// </summary>
public sealed class ForkGate(PipelineStore store, EffectProcessor effects, TimeProvider time, ILogger<ForkGate> logger)
{
    /// <summary>True when the run was held or skipped and the caller must not start it.</summary>
    public async Task<bool> HoldAsync(PipelineRun run, IGitHubClient client, ForkPolicy policy,
        CancellationToken cancellationToken)
    {
        if (!run.FromFork)
        {
            return false;
        }
        if (policy != ForkPolicy.Skip && ForkTrust.NeedsConfirmation(run.AuthorAssociation))
        {
            await ConfirmAuthorAsync(run, client);
        }
        var decision = ForkTrust.Decide(policy, run.AuthorAssociation);
        logger.LogInformation("Run {RunId} is from a fork by {Author} ({Association}); policy {Policy}: {Decision}",
            run.Id, run.AuthorLogin, run.AuthorAssociation, policy, decision);
        switch (decision)
        {
            case ForkDecision.Run:
                return false;
            case ForkDecision.Skip:
                await SkipAsync(run, cancellationToken);
                return true;
            default:
                await HoldForApprovalAsync(run, policy, cancellationToken);
                return true;
        }
    }

    /// <summary>
    /// Check-suite events carry no author: the pull request itself says who opened it and what they are to the
    /// repository.
    /// </summary>
    private static async Task ConfirmAuthorAsync(PipelineRun run, IGitHubClient client)
    {
        var uri = new Uri($"repos/{run.Owner}/{run.Name}/pulls/{run.PullRequest}", UriKind.Relative);
        var pr = (await client.Connection.Get<PullRequestAuthor>(uri, new Dictionary<string, string>())).Body;
        run.AuthorAssociation = pr?.AuthorAssociation;
        run.AuthorLogin ??= pr?.User?.Login;
    }

    private async Task HoldForApprovalAsync(PipelineRun run, ForkPolicy policy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var stage in run.Stages.Where(s => s.Kind != StageKind.Deploy))
        {
            // Still queued on GitHub, now saying what they wait for.
            stage.Summary = ForkTexts.WaitingForApproval;
            stage.SyncCheckRun(now);
        }
        run.Stages.Single(s => s.Kind == StageKind.Deploy)
            .Complete(StageConclusion.ActionRequired, ForkTexts.ApprovalTitle, ForkTexts.ApprovalSummary(run, policy),
                now);
        run.MoveTo(RunStatus.AwaitingApproval, now, ForkTexts.ApprovalReason(run));
        if (await store.TrySaveAsync(run, cancellationToken))
        {
            await effects.ProcessRunAsync(run.Id, cancellationToken);
        }
    }

    private async Task SkipAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var stage in run.Stages.Where(s => s.Status != StageStatus.Completed))
        {
            stage.Complete(StageConclusion.Neutral, ForkTexts.SkippedTitle, ForkTexts.SkippedSummary, now);
        }
        run.MoveTo(RunStatus.Running, now, ForkTexts.SkippedTitle);
        // Every stage is settled and passing (neutral): the advancer ends the run, which updates the PR comment.
        run.Advance(now);
        if (await store.TrySaveAsync(run, cancellationToken))
        {
            await effects.ProcessRunAsync(run.Id, cancellationToken);
        }
    }

    /// <summary>
    /// The two fields of <c>GET /pulls/{n}</c> the gate needs (Octokit's model lacks <c>author_association</c>).
    /// </summary>
    private sealed class PullRequestAuthor
    {
        public string? AuthorAssociation { get; set; }

        public Author? User { get; set; }
    }

    private sealed class Author
    {
        public string? Login { get; set; }
    }
}
