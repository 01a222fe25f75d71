using CodegenCicd.Pipelines.Checks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;

namespace CodegenCicd.Pipelines.Forks;

/// <summary>What the check runs, the run page and the API say about a fork PR that waits or is skipped.</summary>
public static class ForkTexts
{
    public const string ApprovalTitle = "Waiting for approval: pull request from a fork";

    public const string SkippedTitle = "Not run: pull request from a fork";

    public const string WaitingForApproval =
        "Waiting: this pull request comes from a fork, and its code runs only after a maintainer approves it "
        + "(see **CodegenCICD / deploy**).";

    public static string ApprovalSummary(PipelineRun run, ForkPolicy policy) =>
        $"This pull request comes from a fork, and its author{Author(run)} "
        + $"{ForkTrust.Describe(run.AuthorAssociation)}, "
        + "so none of its code has run yet: no setup, analysis, deployment or browser check. "
        + $"A maintainer with write access reviews the changes, then presses **{CheckRunButton.Approve.Label}** here "
        + $"(or on the run page, or with `POST /api/runs/{run.Id}/approve`). A new push asks again."
        + $"\n\nThe project's fork policy is `forks: {Name(policy)}`. "
        + "Once approved, the pipeline follows the base branch's configuration and gets no secrets.";

    public static string ApprovalReason(PipelineRun run) =>
        // No @login here: this reason is also the PR comment's, and a mention there would notify the author again.
        "waiting for a maintainer to approve: pull request from a fork whose author "
        + ForkTrust.Describe(run.AuthorAssociation);

    public const string SkippedSummary =
        "This pull request comes from a fork, and this project does not run pull requests from forks "
        + "(project setting `forks: skip`), "
        + "so none of its code ran and nothing was checked. A maintainer may review it and merge it by hand, "
        + "or change the setting to `approve` and push again.";

    /// <summary>The 409's reason when <c>POST /api/runs/{id}/approve</c> finds nothing to approve.</summary>
    public static string NothingToApprove(PipelineRun run) => run switch
    {
        { Status: RunStatus.Cancelled } => $"Nothing to approve: run #{run.Id} was cancelled ({run.StatusReason}). "
            + "A newer head has its own run; approve that one.",
        { ApprovedBy: { } by } =>
            $"Nothing to approve: run #{run.Id} was already approved by {by} at {run.ApprovedAt:u}.",
        { FromFork: false } => $"Nothing to approve: run #{run.Id} is not from a fork; "
            + "only pull requests from forks wait for approval.",
        _ => $"Nothing to approve: run #{run.Id} is {run.Status}, not waiting for approval.",
    };

    /// <summary>
    /// A skipped fork run's stages: re-running or merging them from the check would run or merge untested code.
    /// </summary>
    public static bool IsSkipped(PipelineStage stage) => stage.Title == SkippedTitle;

    private static string Author(PipelineRun run) => run.AuthorLogin is { Length: > 0 } login ? $" @{login}" : "";

    private static string Name(ForkPolicy policy) => policy.ToString().ToLowerInvariant();
}
