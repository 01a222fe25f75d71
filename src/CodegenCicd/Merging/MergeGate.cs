using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Octokit;

namespace CodegenCicd.Merging;

/// <summary>
/// The last stage: merges when every stage passed and the settings and GitHub allow it, with the
/// head SHA pinned, and says exactly why it merged or why it waits. The attempt is recorded on the
/// run before GitHub is asked, and an already merged PR counts as merged, so a run merges at most once.
/// A fork PR merges by itself only when the base branch allows it (<c>merge.allow_forks</c>), and its
/// branch is never deleted.
/// </summary>
public sealed class MergeGate(PipelineStore store, IOptions<PipelineOptions> options,
    ILogger<MergeGate> logger) : IStageExecutor
{
    public StageKind Kind => StageKind.Merge;

    public async Task<StageOutcome> ExecuteAsync(StageContext context, CancellationToken cancellationToken)
    {
        var run = context.Run;
        var config = context.Config.Merge;
        if (!config.Auto && !run.MergeRequested)
        {
            return new StageOutcome(StageConclusion.Neutral, "Auto-merge is off",
                "Every stage passed. Auto-merge is off (`merge.auto: false`), so this PR is not merged automatically; "
                + "press **Merge now** to merge it.");
        }
        if (run.FromFork && !config.AllowForks && !run.MergeRequested)
        {
            return new StageOutcome(StageConclusion.Neutral,
                "Not merged: from a fork: a maintainer merges it (Merge now)",
                "Every stage passed. This pull request is from a fork: a maintainer merges it (**Merge now**). "
                + "Pull requests from forks merge automatically only when the base branch's "
                + "`.github/codegen-cicd.yml` (or the project's settings) says `merge.allow_forks: true`.");
        }
        var client = await context.GitHub(cancellationToken);
        var pr = await client.PullRequest.Get(run.Owner, run.Name, run.PullRequest);
        if (pr.Merged)
        {
            return await MergedAsync(context, pr.MergeCommitSha, "was already merged", cancellationToken);
        }
        if (pr.State.Value == ItemState.Closed)
        {
            return new StageOutcome(StageConclusion.Neutral, "Not merged: the pull request is closed",
                "The pull request was closed before it could be merged.");
        }
        if (pr.Head.Sha != run.HeadSha)
        {
            return HeadMoved(pr.Head.Sha);
        }
        var facts = await MergeFactsReader.ReadAsync(client, run, pr);
        var reasons = MergeConditions.WhyWait(facts, config, run.MergeRequested, StageKind.Merge.CheckRunName());
        if (reasons.Count > 0)
        {
            var recheck = facts.Mergeable is null ? options.Value.MergeabilityRecheckSeconds
                : MergeConditions.AwaitsRequiredChecks(facts, StageKind.Merge.CheckRunName())
                    ? options.Value.RequiredChecksRecheckSeconds
                    : (double?)null;
            return Wait(reasons, facts.ProtectionNote,
                recheck is { } seconds ? BackOff(seconds, context.Stage.Attempt) : null);
        }
        if (BranchUpdater.MustUpdate(facts))
        {
            return await BranchUpdater.UpdateAsync(client, run, pr.Base.Ref);
        }
        return await MergeAsync(context, client, config, facts.ProtectionNote, cancellationToken);
    }

    private async Task<StageOutcome> MergeAsync(StageContext context, IGitHubClient client, MergeConfig config,
        string? note, CancellationToken cancellationToken)
    {
        var run = context.Run;
        run.MergeAttemptSha = run.HeadSha;
        if (!await context.SaveRunAsync(cancellationToken))
        {
            throw new InvalidOperationException("The run changed while the merge gate decided; deciding again.");
        }
        PullRequestMerge result;
        try
        {
            result = await client.PullRequest.Merge(run.Owner, run.Name, run.PullRequest, new MergePullRequest
            {
                Sha = run.HeadSha,
                MergeMethod = config.Method switch
                {
                    MergeMethod.Merge => PullRequestMergeMethod.Merge,
                    MergeMethod.Rebase => PullRequestMergeMethod.Rebase,
                    _ => PullRequestMergeMethod.Squash,
                },
            });
        }
        catch (PullRequestNotMergeableException e)
        {
            run.MergeAttemptSha = null;
            await context.SaveRunAsync(cancellationToken);
            return Wait([$"GitHub refused the merge (405): {e.Message}"], note, recheckSeconds: null);
        }
        catch (PullRequestMismatchException e)
        {
            run.MergeAttemptSha = null;
            await context.SaveRunAsync(cancellationToken);
            return HeadMoved($"(GitHub: {e.Message})");
        }
        var method = config.Method.ToString().ToLowerInvariant();
        var outcome = await MergedAsync(context, result.Sha, $"merged with `{method}`", cancellationToken);
        if (config.DeleteBranch)
        {
            outcome = outcome with { Summary = outcome.Summary + "\n\n" + await DeleteBranchAsync(client, run) };
        }
        return note is null ? outcome : outcome with { Summary = outcome.Summary + "\n\n" + note };
    }

    private async Task<StageOutcome> MergedAsync(StageContext context, string? sha, string how,
        CancellationToken cancellationToken)
    {
        var mergedSha = sha ?? context.Run.HeadSha;
        context.Run.MergedSha = mergedSha;
        if (!await context.SaveRunAsync(cancellationToken))
        {
            // The guarded save lost to a concurrent status change (the pull_request.closed this merge
            // caused, a cancel). The merge happened on GitHub regardless, so it is recorded anyway.
            var runId = context.Run.Id;
            await store.RecordMergedShaAsync(runId, mergedSha, cancellationToken);
            logger.LogInformation(
                "Run {RunId} changed while its merge was recorded; merge commit {Sha} recorded directly",
                runId, mergedSha);
        }
        return new StageOutcome(StageConclusion.Success, $"Merged: {how.Replace("`", "", StringComparison.Ordinal)}",
            $"Every stage passed; the pull request {how} at head `{context.Run.HeadSha}` "
            + $"(merge commit `{context.Run.MergedSha}`).");
    }

    private async Task<string> DeleteBranchAsync(IGitHubClient client, PipelineRun run)
    {
        if (run.FromFork)
        {
            // The head branch lives in the fork; a branch of this repository with the same name is someone else's.
            return $"The branch `{run.HeadBranch}` lives in the fork, so it was not deleted "
                + "(`merge.delete_branch` only deletes branches of this repository).";
        }
        try
        {
            await client.Git.Reference.Delete(run.Owner, run.Name, $"heads/{run.HeadBranch}");
            return $"Deleted the branch `{run.HeadBranch}` (`merge.delete_branch`).";
        }
        catch (ApiException e)
        {
            logger.LogWarning("Branch {Branch} of {Repository} not deleted: {Status}", run.HeadBranch, run.Repository,
                e.StatusCode);
            return $"The branch `{run.HeadBranch}` was not deleted: GitHub answered {(int)e.StatusCode} ({e.Message}).";
        }
    }

    private static StageOutcome Wait(IReadOnlyList<string> reasons, string? note, double? recheckSeconds)
    {
        var list = string.Join("\n", reasons.Select(r => $"- {r}"));
        return new StageOutcome(StageConclusion.Neutral,
            "Waiting: " + reasons[0].Replace("`", "", StringComparison.Ordinal),
            $"Every stage passed, but the pull request is not merged yet because:\n\n{list}\n\n"
            + $"The gate looks again when labels, reviews or checks change.{(note is null ? "" : "\n\n" + note)}")
        {
            Waiting = true,
            RecheckAfter = recheckSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }

    /// <summary>
    /// Each evaluation of the gate is a new attempt of its stage, so the attempt counts how often it
    /// has looked: the wait doubles each time, up to half an hour, so a required check that never
    /// reports costs a few calls an hour, not one a minute.
    /// </summary>
    private static double BackOff(double seconds, int attempt) =>
        Math.Min(seconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 16)), Math.Max(seconds, MaxRecheckSeconds));

    private const double MaxRecheckSeconds = 30 * 60;

    private static StageOutcome HeadMoved(string newHead) =>
        new(StageConclusion.Neutral, "Not merged: the head moved",
            $"The pull request's head moved on ({newHead}); the new head gets its own run, which decides the merge.");
}
