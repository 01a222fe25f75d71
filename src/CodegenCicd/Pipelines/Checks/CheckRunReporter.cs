using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using Microsoft.Extensions.Options;
using Octokit;

namespace CodegenCicd.Pipelines.Checks;

/// <summary>
/// Owns the shape of the app's check runs: exact names, external id, details URL into the admin
/// site, buttons, output within GitHub's limits and annotations in batches of 50.
/// </summary>
public sealed class CheckRunReporter(IOptions<PipelineOptions> options, TimeProvider time)
{
    /// <summary>Identifies the stage a check run belongs to across restarts and re-runs.</summary>
    public static string ExternalId(PipelineStage stage) => $"codegencicd-stage-{stage.Id}";

    public static long? StageIdFromExternalId(string? externalId) =>
        externalId is not null && externalId.StartsWith("codegencicd-stage-", StringComparison.Ordinal)
        && long.TryParse(externalId["codegencicd-stage-".Length..], out var id) ? id : null;

    /// <summary>Creates the stage's check run as <c>queued</c>, or finds the one an interrupted attempt created.</summary>
    public async Task<long> CreateQueuedAsync(IGitHubClient client, PipelineRun run, PipelineStage stage, string summary)
    {
        var existing = await client.Check.Run.GetAllForReference(run.Owner, run.Name, run.HeadSha,
            new CheckRunRequest { CheckName = stage.Kind.CheckRunName(), Filter = CheckRunCompletedAtFilter.All });
        if (existing.CheckRuns.FirstOrDefault(c => c.ExternalId == ExternalId(stage)) is { } found)
        {
            return found.Id;
        }
        var created = await client.Check.Run.Create(run.Owner, run.Name, new NewCheckRun(stage.Kind.CheckRunName(), run.HeadSha)
        {
            Status = CheckStatus.Queued,
            ExternalId = ExternalId(stage),
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = new NewCheckRunOutput("Queued", CheckRunText.Limit(summary)),
        });
        return created.Id;
    }

    public async Task MarkQueuedAsync(IGitHubClient client, PipelineRun run, long checkRunId, string summary) =>
        await client.Check.Run.Update(run.Owner, run.Name, checkRunId, new CheckRunUpdate
        {
            Status = CheckStatus.Queued,
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = new NewCheckRunOutput("Queued", CheckRunText.Limit(summary)),
        });

    public async Task MarkInProgressAsync(IGitHubClient client, PipelineRun run, long checkRunId, string summary) =>
        await client.Check.Run.Update(run.Owner, run.Name, checkRunId, new CheckRunUpdate
        {
            Status = CheckStatus.InProgress,
            StartedAt = time.GetUtcNow(),
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = new NewCheckRunOutput("In progress", CheckRunText.Limit(summary)),
        });

    public async Task CompleteAsync(IGitHubClient client, PipelineRun run, long checkRunId, CheckRunCompletion completion)
    {
        var batches = completion.Annotations.Chunk(CheckRunText.MaxAnnotationsPerRequest).ToList();
        var title = CheckRunText.Title(completion.Title);
        var summary = CheckRunText.Limit(completion.Summary);
        var text = completion.Text is null ? null : CheckRunText.Limit(completion.Text);
        await client.Check.Run.Update(run.Owner, run.Name, checkRunId, new CheckRunUpdate
        {
            Status = CheckStatus.Completed,
            Conclusion = ToOctokit(completion.Conclusion),
            CompletedAt = time.GetUtcNow(),
            DetailsUrl = options.Value.DetailsUrl(run.Id),
            Output = Output(title, summary, text, batches.FirstOrDefault()),
            Actions = [.. completion.Buttons.Take(3).Select(b => new NewCheckRunAction(b.Label, b.Description, b.Identifier))],
        });
        // GitHub appends annotations sent in later updates of the same output (≤ 50 per request).
        foreach (var batch in batches.Skip(1))
        {
            await client.Check.Run.Update(run.Owner, run.Name, checkRunId, new CheckRunUpdate
            {
                Output = Output(title, summary, text, batch),
            });
        }
    }

    private static NewCheckRunOutput Output(string title, string summary, string? text, CodeAnnotation[]? annotations) =>
        new(title, summary)
        {
            Text = text,
            Annotations = annotations?.Select(a => new NewCheckRunAnnotation(a.Path, a.StartLine, Math.Max(a.StartLine, a.EndLine),
                ToOctokit(a.Level), CheckRunText.Limit(a.Message, 64 * 1024))
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
