using System.Text.Json;
using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines.Checks;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Pushes a stage's persisted state to its check run. Always called after the state is saved, so a
/// crash between the two leaves the stage marked unsynced and the next job run pushes it again.
/// </summary>
public sealed class CheckRunSync(IGitHubAppClients clients, CheckRunReporter reporter, AppDbContext db, ILogger<CheckRunSync> logger)
{
    public async Task<bool> SyncAsync(PipelineRun run, PipelineStage stage, CancellationToken cancellationToken)
    {
        if (stage.CheckRunId is not { } checkRunId || run.InstallationId is not { } installation)
        {
            return false;
        }
        var completion = stage.Status == StageStatus.Completed ? Completion(run, stage) : null;
        var digest = completion is null ? null : Digest(completion);
        try
        {
            if (digest is null || digest != stage.SyncedDigest)
            {
                var client = await clients.ForInstallationAsync(installation, cancellationToken);
                switch (stage.Status)
                {
                    case StageStatus.Queued:
                        await reporter.MarkQueuedAsync(client, run, checkRunId, stage.Summary ?? "Waiting for the stages before it.");
                        break;
                    case StageStatus.InProgress:
                        await reporter.MarkInProgressAsync(client, run, checkRunId, $"Running (attempt {stage.Attempt}).");
                        break;
                    case StageStatus.Completed:
                        await reporter.CompleteAsync(client, run, checkRunId, completion!);
                        break;
                    default:
                        return false;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // GitHub down or rate limited: the stage stays unsynced; the watchdog pushes it later.
            logger.LogWarning("Check run {CheckRunId} of stage {StageId} not updated: {Reason}", checkRunId, stage.Id, InfrastructureErrors.Describe(e));
            return false;
        }
        var (status, attempt) = (stage.Status, stage.Attempt);
        await db.Set<PipelineStage>().Where(s => s.Id == stage.Id && s.Status == status && s.Attempt == attempt)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.CheckRunSynced, true).SetProperty(s => s.SyncedDigest, digest), cancellationToken);
        (stage.CheckRunSynced, stage.SyncedDigest) = (true, digest);
        db.Entry(stage).Property(s => s.CheckRunSynced).IsModified = false;
        db.Entry(stage).Property(s => s.SyncedDigest).IsModified = false;
        return true;
    }

    /// <summary>What GitHub would show, hashed: conclusion, texts, annotations and buttons.</summary>
    private static string Digest(CheckRunCompletion completion) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(completion)));

    private static CheckRunCompletion Completion(PipelineRun run, PipelineStage stage)
    {
        var annotations = stage.AnnotationsJson is null ? [] : JsonSerializer.Deserialize<List<CodeAnnotation>>(stage.AnnotationsJson) ?? [];
        List<CheckRunButton> buttons = run.Status == RunStatus.Cancelled || ForkTexts.IsSkipped(stage) ? [] : [CheckRunButton.Rerun];
        if (run.Status == RunStatus.AwaitingApproval)
        {
            // Until a maintainer approves, approving is the only thing to do (a re-run would run the fork's code).
            buttons = stage.Kind == StageKind.Deploy ? [CheckRunButton.Approve] : [];
        }
        // "Merge now" is offered when the gate did not merge although every stage before it passed.
        else if (stage.Kind == StageKind.Merge && !ForkTexts.IsSkipped(stage) && run.MergedSha is null && run.Status != RunStatus.Cancelled && stage.Conclusion == StageConclusion.Neutral
            && run.Stages.Where(s => s.Kind < StageKind.Merge).All(s => s.Conclusion is { } c && c.IsPassing()))
        {
            buttons.Add(CheckRunButton.MergeNow);
        }
        return new CheckRunCompletion(stage.Conclusion ?? StageConclusion.Neutral, stage.Title ?? stage.Conclusion.ToString() ?? "",
            stage.Summary ?? "", stage.Log, annotations, buttons);
    }
}
