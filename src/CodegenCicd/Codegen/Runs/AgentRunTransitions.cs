using CodegenCicd.Codegen.Api;
using CodegenCicd.Notifications;

namespace CodegenCicd.Codegen.Runs;

/// <summary>The payload of the <c>agent-run.updated</c> live event the pages listen for.</summary>
public sealed record AgentRunUpdated(int Id, int ProjectId, string Status, string? CodegenStatus);

/// <summary>Status changes with their history row, and the bookkeeping every save needs.</summary>
public static class AgentRunTransitions
{
    public const string LiveEventType = "agent-run.updated";

    public static void MoveTo(this AgentRun run, AgentRunStatus status, string note, DateTimeOffset now)
    {
        run.History.Add(new AgentRunEvent
        {
            AgentRunId = run.Id,
            At = now,
            Status = status,
            CodegenStatus = run.CodegenStatus,
            Note = note,
        });
        if (run.Status != status)
        {
            run.Status = status;
            run.StatusChangedAt = now;
        }
        run.Touch(now);
    }

    /// <summary>Marks the row changed (its concurrency token too).</summary>
    public static void Touch(this AgentRun run, DateTimeOffset now)
    {
        run.UpdatedAt = now;
        run.Version = Guid.NewGuid();
    }

    /// <summary>
    /// Remembers what Codegen said before a follow-up, so its next idle status can be told apart from this one.
    /// </summary>
    public static void MarkResumed(this AgentRun run, DateTimeOffset now)
    {
        run.ResumedAt = now;
        run.ResultBeforeResume = run.Result;
        run.SeenWorkingSinceResume = false;
    }

    /// <summary>Adds the PRs Codegen lists for the run that are not linked yet.</summary>
    public static int SyncPullRequests(this AgentRun run, CodegenAgentRun snapshot, DateTimeOffset now)
    {
        var added = 0;
        foreach (var pr in snapshot.PullRequests.Where(p => !string.IsNullOrWhiteSpace(p.Url)))
        {
            var existing = run.PullRequests
                .FirstOrDefault(p => string.Equals(p.Url, pr.Url, StringComparison.OrdinalIgnoreCase));
            if (existing is null)
            {
                run.PullRequests.Add(new AgentRunPullRequest
                {
                    AgentRunId = run.Id,
                    Url = pr.Url!,
                    Title = pr.Title,
                    HeadBranch = pr.HeadBranchName,
                    CodegenPullRequestId = pr.Id,
                    LinkedAt = now,
                });
                added++;
            }
            else
            {
                existing.Title = pr.Title ?? existing.Title;
                existing.HeadBranch = pr.HeadBranchName ?? existing.HeadBranch;
            }
        }
        return added;
    }

    public static void PublishUpdate(this LiveEvents events, AgentRun run) =>
        events.Publish(LiveEventType,
            new AgentRunUpdated(run.Id, run.ProjectId, run.Status.ToString(), run.CodegenStatus),
            LiveEventAudience.OfProject(run.ProjectId));
}
