using CodegenCicd.Projects;
using Octokit;

namespace CodegenCicd.Merging;

/// <summary>What the gate knows about the PR and its base branch when it decides.</summary>
/// <param name="Protection">
/// Null when branch protection could not be read (then <paramref name="ProtectionNote"/> says why).
/// </param>
public sealed record MergeFacts(
    bool Draft,
    IReadOnlyList<string> Labels,
    bool? Mergeable,
    string? MergeableState,
    BranchProtectionSettings? Protection,
    string? ProtectionNote,
    int Approvals,
    bool ChangesRequested,
    IReadOnlyDictionary<string, string> CheckConclusions);

/// <summary>The gate's rules, as a pure function: every reason the PR may not merge now.</summary>
public static class MergeConditions
{
    /// <summary>
    /// A required check that has not finished: check runs of other apps wake the gate through
    /// <c>check_suite.completed</c>, but commit statuses send no event the App subscribes to, so the
    /// gate must look again by itself.
    /// </summary>
    public static bool AwaitsRequiredChecks(MergeFacts facts, string ownCheckName) =>
        RequiredChecks(facts.Protection).Any(c => c != ownCheckName
            && (!facts.CheckConclusions.TryGetValue(c, out var state)
                || state is "pending" or "queued" or "in_progress"));

    public static IReadOnlyList<string> WhyWait(MergeFacts facts, MergeConfig config, bool mergeRequested,
        string ownCheckName)
    {
        var reasons = new List<string>();
        if (facts.Draft)
        {
            reasons.Add("the pull request is a draft");
        }
        foreach (var blocking in config.BlockLabels
            .Where(b => facts.Labels.Contains(b, StringComparer.OrdinalIgnoreCase)))
        {
            reasons.Add($"it has the blocking label `{blocking}`");
        }
        if (!mergeRequested && config.RequireLabel.Length > 0
            && !facts.Labels.Contains(config.RequireLabel, StringComparer.OrdinalIgnoreCase))
        {
            reasons.Add($"it lacks the required label `{config.RequireLabel}`");
        }
        if (facts.Mergeable == false || facts.MergeableState is "dirty")
        {
            reasons.Add("it has merge conflicts with its base branch");
        }
        else if (facts.Mergeable is null)
        {
            reasons.Add("GitHub is still computing whether it can be merged");
        }
        if (facts.Protection?.RequiredPullRequestReviews is { RequiredApprovingReviewCount: > 0 } reviews
            && facts.Approvals < reviews.RequiredApprovingReviewCount)
        {
            reasons.Add($"branch protection requires {reviews.RequiredApprovingReviewCount} approving reviews; "
                + $"it has {facts.Approvals}");
        }
        if (facts.ChangesRequested)
        {
            reasons.Add("a reviewer requested changes");
        }
        foreach (var required in RequiredChecks(facts.Protection).Where(c => c != ownCheckName))
        {
            if (!facts.CheckConclusions.TryGetValue(required, out var conclusion))
            {
                reasons.Add($"the required check `{required}` has not reported yet");
            }
            else if (conclusion is not ("success" or "neutral" or "skipped"))
            {
                reasons.Add($"the required check `{required}` is `{conclusion}`");
            }
        }
        return reasons;
    }

    private static IEnumerable<string> RequiredChecks(BranchProtectionSettings? protection) =>
        protection?.RequiredStatusChecks is { } checks
            ? (checks.Contexts ?? []).Distinct(StringComparer.Ordinal)
            : [];
}
