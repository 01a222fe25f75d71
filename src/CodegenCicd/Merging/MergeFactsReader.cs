using System.Net;
using CodegenCicd.Pipelines.Runs;
using Octokit;

namespace CodegenCicd.Merging;

/// <summary>Reads labels, draft, mergeability, branch protection, reviews and checks for the gate.</summary>
public static class MergeFactsReader
{
    public static async Task<MergeFacts> ReadAsync(IGitHubClient client, PipelineRun run, PullRequest pr)
    {
        BranchProtectionSettings? protection = null;
        string? note = null;
        try
        {
            protection = await client.Repository.Branch.GetBranchProtection(run.Owner, run.Name, pr.Base.Ref);
        }
        catch (NotFoundException)
        {
            note = $"`{pr.Base.Ref}` has no branch protection (or the App may not read it): required reviews and checks were not verified.";
        }
        catch (ForbiddenException)
        {
            note = $"The App may not read the branch protection of `{pr.Base.Ref}` (403): required reviews and checks were not verified.";
        }
        catch (ApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            note = $"The App may not read the branch protection of `{pr.Base.Ref}` (403): required reviews and checks were not verified.";
        }
        var approvals = 0;
        var changesRequested = false;
        if (protection?.RequiredPullRequestReviews is not null)
        {
            var reviews = await client.PullRequest.Review.GetAll(run.Owner, run.Name, run.PullRequest);
            // A reviewer's latest decisive review counts (an approval after requested changes clears them).
            var latest = reviews.Where(r => r.State.Value is PullRequestReviewState.Approved or PullRequestReviewState.ChangesRequested)
                .GroupBy(r => r.User.Login).Select(g => g.OrderBy(r => r.SubmittedAt).Last().State.Value).ToList();
            approvals = latest.Count(s => s == PullRequestReviewState.Approved);
            changesRequested = latest.Contains(PullRequestReviewState.ChangesRequested);
        }
        var conclusions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (protection?.RequiredStatusChecks is not null)
        {
            var checks = await client.Check.Run.GetAllForReference(run.Owner, run.Name, run.HeadSha);
            foreach (var check in checks.CheckRuns.OrderBy(c => c.StartedAt))
            {
                conclusions[check.Name] = check.Conclusion?.StringValue ?? check.Status.StringValue;
            }
            // Required contexts may also be commit statuses (older CI services post those); a check
            // run of the same name wins. The combined status holds each context's latest state.
            var combined = await client.Repository.Status.GetCombined(run.Owner, run.Name, run.HeadSha);
            foreach (var status in combined.Statuses)
            {
                conclusions.TryAdd(status.Context, status.State.StringValue);
            }
        }
        return new MergeFacts(pr.Draft, [.. pr.Labels.Select(l => l.Name)], pr.Mergeable, pr.MergeableState?.StringValue,
            protection, note, approvals, changesRequested, conclusions);
    }
}
