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
            note = $"`{pr.Base.Ref}` has no branch protection (or the App may not read it): "
                + "required reviews and checks were not verified.";
        }
        catch (ForbiddenException)
        {
            note = $"The App may not read the branch protection of `{pr.Base.Ref}` (403): "
                + "required reviews and checks were not verified.";
        }
        catch (ApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            note = $"The App may not read the branch protection of `{pr.Base.Ref}` (403): "
                + "required reviews and checks were not verified.";
        }
        var approvals = 0;
        var changesRequested = false;
        if (protection?.RequiredPullRequestReviews is not null)
        {
            var reviews = await client.PullRequest.Review.GetAll(run.Owner, run.Name, run.PullRequest);
            // A reviewer's latest decisive review counts (an approval after requested changes clears them).
            var latest = reviews
                .Where(r => r.State.Value is PullRequestReviewState.Approved or PullRequestReviewState.ChangesRequested)
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
            // A required context no check run answers may be a commit status (older CI services
            // post those). Every page is read, newest first, so each context's latest state counts.
            var required = protection.RequiredStatusChecks.Contexts ?? [];
            if (required.Any(c => !conclusions.ContainsKey(c)))
            {
                try
                {
                    foreach (var status in await client.Repository.Status.GetAll(run.Owner, run.Name, run.HeadSha))
                    {
                        conclusions.TryAdd(status.Context, status.State.StringValue);
                    }
                }
                catch (Exception e) when (e is ForbiddenException
                    || e is ApiException { StatusCode: HttpStatusCode.Forbidden })
                {
                    note = (note is null ? "" : note + "\n\n")
                        + "The App may not read commit statuses (403): "
                        + "required contexts reported as statuses were not verified.";
                }
            }
        }
        return new MergeFacts(pr.Draft, [.. pr.Labels.Select(l => l.Name)], pr.Mergeable,
            pr.MergeableState?.StringValue, protection, note, approvals, changesRequested, conclusions);
    }
}
