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
/// Pushes a stage's persisted state to its check run: the <see cref="Effects.EffectKind.SyncCheckRun"/>
/// effect, carried out after the state is saved. A state GitHub was already sent (same hash) is not sent
/// again, so the effect may run twice. A refusal from GitHub throws, and the effect is tried again later.
/// </summary>
public sealed class CheckRunSync(IGitHubAppClients clients, CheckRunReporter reporter, AppDbContext db)
{
    public async Task SyncAsync(PipelineRun run, PipelineStage stage, CancellationToken cancellationToken)
    {
        if (stage.CheckRunId is not { } checkRunId || run.InstallationId is not { } installation
            || stage.Status == StageStatus.Pending)
        {
            return;
        }
        var completion = stage.Status == StageStatus.Completed ? Completion(run, stage) : null;
        var digest = Digest(stage, completion);
        if (digest == stage.SyncedDigest)
        {
            return;
        }
        var client = await clients.ForInstallationAsync(installation, cancellationToken);
        switch (stage.Status)
        {
            case StageStatus.Queued:
                await reporter.MarkQueuedAsync(client, run, checkRunId, QueuedSummary(stage));
                break;
            case StageStatus.InProgress:
                await reporter.MarkInProgressAsync(client, run, checkRunId, InProgressSummary(stage));
                break;
            default:
                await reporter.CompleteAsync(client, run, checkRunId, completion!);
                break;
        }
        var (status, attempt) = (stage.Status, stage.Attempt);
        await db.Set<PipelineStage>().Where(s => s.Id == stage.Id && s.Status == status && s.Attempt == attempt)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.SyncedDigest, digest), cancellationToken);
    }

    private static string QueuedSummary(PipelineStage stage) => stage.Summary ?? "Waiting for the stages before it.";

    private static string InProgressSummary(PipelineStage stage) => $"Running (attempt {stage.Attempt}).";

    /// <summary>What GitHub would show, hashed: status, conclusion, texts, annotations and buttons.</summary>
    private static string Digest(PipelineStage stage, CheckRunCompletion? completion)
    {
        object shown = stage.Status switch
        {
            StageStatus.Queued => new { status = "queued", summary = QueuedSummary(stage) },
            StageStatus.InProgress => new { status = "in_progress", summary = InProgressSummary(stage) },
            _ => completion!,
        };
        return Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(shown)));
    }

    private static CheckRunCompletion Completion(PipelineRun run, PipelineStage stage)
    {
        var annotations = stage.AnnotationsJson is null
            ? []
            : JsonSerializer.Deserialize<List<CodeAnnotation>>(stage.AnnotationsJson) ?? [];
        List<CheckRunButton> buttons = run.Status == RunStatus.Cancelled || ForkTexts.IsSkipped(stage)
            ? []
            : [CheckRunButton.Rerun];
        if (run.Status == RunStatus.AwaitingApproval)
        {
            // Until a maintainer approves, approving is the only thing to do (a re-run would run the fork's code).
            buttons = stage.Kind == StageKind.Deploy ? [CheckRunButton.Approve] : [];
        }
        // "Merge now" is offered when the gate did not merge although every stage before it passed.
        else if (stage.Kind == StageKind.Merge && !ForkTexts.IsSkipped(stage) && run.MergedSha is null
            && run.Status != RunStatus.Cancelled && stage.Conclusion == StageConclusion.Neutral
            && run.Stages.Where(s => s.Kind < StageKind.Merge).All(s => s.Conclusion is { } c && c.IsPassing()))
        {
            buttons.Add(CheckRunButton.MergeNow);
        }
        return new CheckRunCompletion(stage.Conclusion ?? StageConclusion.Neutral,
            stage.Title ?? stage.Conclusion.ToString() ?? "", stage.Summary ?? "", stage.Log, annotations, buttons);
    }
}
