using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using Octokit;

namespace CodegenCicd.Merging;

/// <summary>
/// Brings a PR that is behind its base up to date when branch protection requires it ("Require
/// branches to be up to date"): GitHub would refuse the merge until then, and nobody else is going
/// to press the button. <c>expected_head_sha</c> pins the head, so a second attempt after a crash
/// or a retry cannot update twice: GitHub answers 422 once the head has moved.
/// Octokit has no call for <c>PUT /repos/{o}/{r}/pulls/{n}/update-branch</c>, so it goes through its connection.
/// </summary>
public static class BranchUpdater
{
    /// <summary>Only the up-to-date rule is left between this PR and its merge.</summary>
    public static bool MustUpdate(MergeFacts facts) =>
        facts.MergeableState == "behind" && facts.Protection?.RequiredStatusChecks?.Strict == true;

    public static async Task<StageOutcome> UpdateAsync(IGitHubClient client, PipelineRun run, string baseBranch)
    {
        var uri = new Uri($"repos/{run.Owner}/{run.Name}/pulls/{run.PullRequest}/update-branch", UriKind.Relative);
        try
        {
            // 202 with {message, url}: nothing in it the gate needs.
            await client.Connection.Put<Dictionary<string, object>>(uri, new UpdateBranchRequest(run.HeadSha));
        }
        catch (ApiValidationException e)
            when (e.Message.Contains("expected head sha", StringComparison.OrdinalIgnoreCase))
        {
            return new StageOutcome(StageConclusion.Neutral, "Not merged: the head moved",
                $"The branch was to be updated with `{baseBranch}`, but its head moved on first; "
                + "the new head gets its own run, which decides the merge.");
        }
        catch (ApiValidationException e)
        {
            return new StageOutcome(StageConclusion.Neutral, $"Waiting: the branch cannot be updated with {baseBranch}",
                $"Every stage passed, but branch protection on `{baseBranch}` requires the branch to be up to date, "
                + $"and GitHub could not update it: {e.Message}. "
                + "Resolve it on the branch; the new head gets its own run.")
            {
                Waiting = true,
            };
        }
        return new StageOutcome(StageConclusion.Neutral, $"Updating the branch with {baseBranch}",
            $"Every stage passed, but branch protection on `{baseBranch}` requires the branch to be up to date "
            + "before merging, and it was behind. "
            + $"CodegenCICD asked GitHub to merge `{baseBranch}` into it (head `{run.HeadSha}` pinned); "
            + "the updated head gets its own run, which decides the merge.");
    }

    private sealed record UpdateBranchRequest(string ExpectedHeadSha);
}
