using CodegenCicd.Audit;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines.Checks;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Pipelines.Control;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Triggers;

/// <summary>
/// <c>check_suite</c> requested starts runs for the suite's PRs, rerequested runs them again,
/// completed (another app's checks) wakes waiting merge gates. <c>check_run</c> rerequested re-runs
/// that stage and the ones after it; requested actions are "Re-run", "Merge now" on the merge check and, on a waiting
/// fork PR's deploy check, "Approve and run" (only from someone with write access, never the fork's author alone).
/// <c>status</c> (a commit status another CI service posted) that settles wakes the commit's waiting gates.
/// </summary>
public sealed class CheckEventHandler(
    PipelineStarter starter, PipelineStore store, RunControl control, RunApproval approval, IGitHubAppClients clients,
    IAuditLog audit, ILogger<CheckEventHandler> logger)
    : IWebhookEventHandler
{
    public IReadOnlyCollection<string> Events { get; } = ["check_suite", "check_run", "status"];

    public async Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var payload = webhookEvent.Payload;
        if (webhookEvent.Event == "status")
        {
            await CommitStatusSettledAsync(webhookEvent, cancellationToken);
            return;
        }
        if (!payload.TryGetProperty(webhookEvent.Event, out var check)
            || !payload.TryGetProperty("repository", out var repository))
        {
            return;
        }
        switch (webhookEvent.Event, webhookEvent.Action)
        {
            case ("check_suite", "requested" or "rerequested"):
                foreach (var pr in PullRequestRef.FromCheckPayload(check, repository, webhookEvent.InstallationId))
                {
                    var run = await starter.StartAsync(pr, $"check_suite.{webhookEvent.Action}",
                        webhookEvent.DeliveryId, cancellationToken);
                    if (webhookEvent.Action == "rerequested" && run is not null
                        && run.DeliveryId != webhookEvent.DeliveryId)
                    {
                        await control.RerunAsync(run.Id, from: null, FollowUp.Inline, cancellationToken);
                    }
                }
                break;
            case ("check_suite", "completed"):
                foreach (var pr in PullRequestRef.FromCheckPayload(check, repository, webhookEvent.InstallationId))
                {
                    await control.ReevaluateWaitingAsync(pr.Repository, pr.Number, cancellationToken);
                }
                break;
            case ("check_run", "rerequested"):
                if (await FindStageAsync(check, cancellationToken) is { } rerun
                    && await control.RerunAsync(rerun.RunId, rerun.Kind, FollowUp.Inline, cancellationToken)
                        == ControlResult.Done)
                {
                    await RecordAsync(AuditActions.RunRerun, rerun, payload, cancellationToken);
                }
                break;
            case ("check_run", "requested_action"):
                await RequestedActionAsync(payload, check, cancellationToken);
                break;
        }
    }

    /// <summary>A pending status changes nothing the gate would decide on; a settled one may.</summary>
    private async Task CommitStatusSettledAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var payload = webhookEvent.Payload;
        if (webhookEvent.RepositoryFullName is not { } repository
            || !payload.TryGetProperty("sha", out var shaElement) || shaElement.GetString() is not { } sha
            || (payload.TryGetProperty("state", out var state) && state.GetString() == "pending"))
        {
            return;
        }
        await control.ReevaluateWaitingAsync(r => r.Repository.ToLower() == repository.ToLower() && r.HeadSha == sha,
            cancellationToken);
    }

    private async Task RequestedActionAsync(System.Text.Json.JsonElement payload, System.Text.Json.JsonElement check,
        CancellationToken cancellationToken)
    {
        var identifier = payload.TryGetProperty("requested_action", out var action)
            ? action.GetProperty("identifier").GetString()
            : null;
        if (await FindStageAsync(check, cancellationToken) is not { } stage)
        {
            return;
        }
        var sender = payload.TryGetProperty("sender", out var who) && who.TryGetProperty("login", out var login)
            ? login.GetString()
            : null;
        var result = identifier switch
        {
            CheckRunButton.RerunIdentifier =>
                await control.RerunAsync(stage.RunId, stage.Kind, FollowUp.Inline, cancellationToken),
            CheckRunButton.MergeNowIdentifier when stage.Kind == StageKind.Merge =>
                await MaintainerOfForkAsync(stage.RunId, sender, cancellationToken)
                ? await control.RequestMergeAsync(stage.RunId, cancellationToken)
                : ControlResult.NotApplicable,
            CheckRunButton.ApproveIdentifier => await MaintainerOfForkAsync(stage.RunId, sender, cancellationToken)
                ? (await approval.ApproveAsync(stage.RunId, sender!, FollowUp.Inline, cancellationToken)).Result
                : ControlResult.NotApplicable,
            _ => ControlResult.NotApplicable,
        };
        logger.LogInformation("Requested action {Action} by {Sender} on run {RunId}: {Result}", identifier, sender,
            stage.RunId, result);
        if (result == ControlResult.Done)
        {
            var what = identifier switch
            {
                CheckRunButton.MergeNowIdentifier => AuditActions.RunMergeNow,
                CheckRunButton.ApproveIdentifier => AuditActions.RunApprove,
                _ => AuditActions.RunRerun,
            };
            await RecordAsync(what, stage, payload, cancellationToken);
        }
    }

    /// <summary>A button pressed on GitHub is audited under the GitHub login of whoever pressed it.</summary>
    private async Task RecordAsync(string action, PipelineStage stage, System.Text.Json.JsonElement payload,
        CancellationToken cancellationToken)
    {
        var sender = payload.TryGetProperty("sender", out var who) && who.TryGetProperty("login", out var login)
            ? login.GetString()
            : null;
        var projectId = await store.Db.Set<PipelineRun>().AsNoTracking()
            .Where(r => r.Id == stage.RunId)
            .Select(r => (int?)r.ProjectId)
            .FirstOrDefaultAsync(cancellationToken);
        await audit.RecordAsync(new(action, projectId, $"run {stage.RunId}", $"{stage.Kind} check on GitHub",
            Actor: sender ?? "someone on GitHub"), cancellationToken);
    }

    /// <summary>
    /// Whoever pressed a button on a fork PR's check must have write access: the fork's author sees the
    /// check too, and must not approve or merge their own code. A same-repository PR's author already has it.
    /// </summary>
    private async Task<bool> MaintainerOfForkAsync(long runId, string? sender, CancellationToken cancellationToken)
    {
        if (await store.Db.Set<PipelineRun>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == runId, cancellationToken) is not { } run)
        {
            return false;
        }
        if (!run.FromFork)
        {
            return true;
        }
        var client = await clients.ForInstallationAsync(run.InstallationId ?? 0, cancellationToken);
        if (await WriteAccess.HasAsync(client, run.Owner, run.Name, sender))
        {
            return true;
        }
        logger.LogWarning("{Sender} pressed a button on fork run {RunId} without write access to {Repository}; ignored",
            sender, runId, run.Repository);
        return false;
    }

    /// <summary>Our stage behind a check run: by its id, else by the external id we gave it.</summary>
    private async Task<PipelineStage?> FindStageAsync(System.Text.Json.JsonElement check,
        CancellationToken cancellationToken)
    {
        var checkRunId = check.GetProperty("id").GetInt64();
        var byExternalId = CheckRunReporter.StageIdFromExternalId(
            check.TryGetProperty("external_id", out var external) ? external.GetString() : null);
        return await store.Db.Set<PipelineStage>().AsNoTracking()
            .FirstOrDefaultAsync(s => s.CheckRunId == checkRunId || s.Id == byExternalId, cancellationToken);
    }
}
