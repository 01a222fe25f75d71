using CodegenCicd.GitHub.Api;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using Microsoft.Extensions.Options;
using Octokit;

namespace CodegenCicd.Pipelines.Checks;

/// <summary>
/// Owns the shape of the app's check runs: exact names, external id, details URL into the admin
/// site, buttons, output within GitHub's limits and annotations in batches of 50.
/// </summary>
public sealed class CheckRunReporter(
    IOptions<PipelineOptions> options, GitHubRetryPolicy retries, TimeProvider time, ILogger<CheckRunReporter> logger)
{
    /// <summary>Identifies the stage a check run belongs to across restarts and re-runs.</summary>
    public static string ExternalId(PipelineStage stage) => $"codegencicd-stage-{stage.Id}";

    public static long? StageIdFromExternalId(string? externalId) =>
        externalId is not null && externalId.StartsWith("codegencicd-stage-", StringComparison.Ordinal)
        && long.TryParse(externalId["codegencicd-stage-".Length..], out var id) ? id : null;

    /// <summary>
    /// Creates the stage's check run as <c>queued</c>, or finds the one an earlier attempt created. GitHub may have
    /// created it although it answered 5xx or timed out, so a creation is retried here rather than by the HTTP
    /// pipeline: each try first looks the check run up by its external id on the head SHA, and never makes a second.
    /// </summary>
    public async Task<long> CreateQueuedAsync(
        IGitHubClient client, PipelineRun run, PipelineStage stage, string summary)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await FindAsync(client, run, stage) is { } found)
            {
                return found;
            }
            try
            {
                var check = new NewCheckRun(stage.Kind.CheckRunName(), run.HeadSha)
                {
                    Status = CheckStatus.Queued,
                    ExternalId = ExternalId(stage),
                    DetailsUrl = options.Value.DetailsUrl(run.Id),
                    Output = new NewCheckRunOutput("Queued", CheckRunText.Limit(summary)),
                };
                return (await client.Check.Run.Create(run.Owner, run.Name, check)).Id;
            }
            catch (Exception e) when (TransientGitHubFailure.IsTransient(e) && retries.HasTransientRetryLeft(attempt)
                && (TransientGitHubFailure.RetryAfter(e, time) ?? retries.TransientDelay(attempt)) is var delay
                && delay <= GitHubRateLimits.MaxWait)
            {
                logger.LogWarning(
                    "Creating check run {CheckRunName} for run {RunId} failed ({Reason}); "
                    + "looking it up, retrying in {Delay}",
                    stage.Kind.CheckRunName(), run.Id, e.Message, delay);
                await Task.Delay(delay, time);
            }
        }
    }

    private static async Task<long?> FindAsync(IGitHubClient client, PipelineRun run, PipelineStage stage)
    {
        var existing = await client.Check.Run.GetAllForReference(run.Owner, run.Name, run.HeadSha,
            new CheckRunRequest { CheckName = stage.Kind.CheckRunName(), Filter = CheckRunCompletedAtFilter.All });
        return existing.CheckRuns.FirstOrDefault(c => c.ExternalId == ExternalId(stage))?.Id;
    }

    public async Task MarkQueuedAsync(IGitHubClient client, PipelineRun run, long checkRunId, string summary) =>
        await UpdateAsync(client, run, checkRunId, new CheckRunUpdate
        {
            Status = CheckStatus.Queued,
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = new NewCheckRunOutput("Queued", CheckRunText.Limit(summary)),
        });

    public async Task MarkInProgressAsync(IGitHubClient client, PipelineRun run, long checkRunId, string summary) =>
        await UpdateAsync(client, run, checkRunId, new CheckRunUpdate
        {
            Status = CheckStatus.InProgress,
            StartedAt = time.GetUtcNow(),
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = new NewCheckRunOutput("In progress", CheckRunText.Limit(summary)),
        });

    public async Task CompleteAsync(
        IGitHubClient client, PipelineRun run, long checkRunId, CheckRunCompletion completion)
    {
        var batches = completion.Annotations.Chunk(CheckRunText.MaxAnnotationsPerRequest).ToList();
        var title = CheckRunText.Title(completion.Title);
        var summary = CheckRunText.Limit(completion.Summary);
        var text = completion.Text is null ? null : CheckRunText.Limit(completion.Text);
        await UpdateAsync(client, run, checkRunId, new CheckRunUpdate
        {
            Status = CheckStatus.Completed,
            Conclusion = ToOctokit(completion.Conclusion),
            CompletedAt = time.GetUtcNow(),
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = Output(title, summary, text, batches.FirstOrDefault()),
            Actions =
            [
                .. completion.Buttons.Take(3).Select(b => new NewCheckRunAction(b.Label, b.Description, b.Identifier))
            ],
        });
        // GitHub appends annotations sent in later updates of the same output (≤ 50 per request).
        foreach (var batch in batches.Skip(1))
        {
            await UpdateAsync(client, run, checkRunId, new CheckRunUpdate
            {
                Output = Output(title, summary, text, batch),
            });
        }
    }

    /// <summary>
    /// An update sets the check run's state, so sending it twice leaves the same state: the HTTP pipeline may repeat
    /// it after a 5xx or timeout. GitHub appends annotations, so a repeated batch would show twice; the outbox would
    /// resend the same update after a failure anyway (<see cref="Stages.CheckRunSync"/>), so this risk is not new.
    /// </summary>
    private static Task UpdateAsync(IGitHubClient client, PipelineRun run, long checkRunId, CheckRunUpdate update) =>
        RetrySafeRequests.RunAsync(() => client.Check.Run.Update(run.Owner, run.Name, checkRunId, update));

    private static NewCheckRunOutput Output(
        string title, string summary, string? text, CodeAnnotation[]? annotations) =>
        new(title, summary)
        {
            Text = text,
            Annotations = annotations?.Select(a => new NewCheckRunAnnotation(a.Path, a.StartLine,
                Math.Max(a.StartLine, a.EndLine), ToOctokit(a.Level), CheckRunText.Limit(a.Message, 64 * 1024))
            {
                Title = a.Title,
            }).ToList(),
        };

    private static CheckAnnotationLevel ToOctokit(AnnotationLevel level) => level switch
    {
        AnnotationLevel.Failure => CheckAnnotationLevel.Failure,
        AnnotationLevel.Warning => CheckAnnotationLevel.Warning,
        _ => CheckAnnotationLevel.Notice,
    };

    private static CheckConclusion ToOctokit(StageConclusion conclusion) => conclusion switch
    {
        StageConclusion.Success => CheckConclusion.Success,
        StageConclusion.Failure => CheckConclusion.Failure,
        StageConclusion.Cancelled => CheckConclusion.Cancelled,
        StageConclusion.Skipped => CheckConclusion.Skipped,
        StageConclusion.TimedOut => CheckConclusion.TimedOut,
        StageConclusion.ActionRequired => CheckConclusion.ActionRequired,
        _ => CheckConclusion.Neutral,
    };
}
