using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Forks;

/// <param name="Refusal">Why there was nothing to approve (the API's 409).</param>
public sealed record ApprovalResult(ControlResult Result, string? Refusal = null);

/// <summary>
/// "Approve and run": a maintainer lets a waiting fork PR's run start. The approval (who, when) is saved with
/// the run before anything is enqueued; the stages go back to queued on GitHub and the first one starts.
/// It holds for this head only: a new push is a new run, which asks again.
/// </summary>
public sealed class RunApproval(PipelineStore store, RunControl control, TimeProvider time, ILogger<RunApproval> logger)
{
    /// <summary>Who approved through the admin site or the API (a person signed in as the admin).</summary>
    public const string Admin = "admin";

    public async Task<ApprovalResult> ApproveAsync(long runId, string approver, FollowUp followUp,
        CancellationToken cancellationToken)
    {
        if (await store.FindRunAsync(runId, cancellationToken) is not { } run)
        {
            return new(ControlResult.NotFound);
        }
        if (run.Status != RunStatus.AwaitingApproval)
        {
            return new(run.Status == RunStatus.Cancelled ? ControlResult.Cancelled : ControlResult.NotApplicable,
                ForkTexts.NothingToApprove(run));
        }
        var now = time.GetUtcNow();
        foreach (var stage in run.Stages)
        {
            if (stage.Status == StageStatus.Completed)
            {
                stage.Requeue(now);
            }
            stage.Summary = null;
            stage.SyncCheckRun(now);
        }
        run.ApprovedBy = approver;
        run.ApprovedAt = now;
        run.MoveTo(RunStatus.Running, now, $"approved by {approver}");
        run.Advance(now);
        if (!await store.TrySaveAsync(run, cancellationToken))
        {
            return new(ControlResult.NotApplicable,
                "The run changed while it was being approved (a new push or a close); look at it again.");
        }
        logger.LogInformation("Run {RunId} of {Repository}#{PullRequest} (fork) approved by {Approver}", run.Id,
            run.Repository, run.PullRequest, approver);
        await control.FollowUpAsync(run.Id, followUp, cancellationToken);
        return new(ControlResult.Done);
    }
}
