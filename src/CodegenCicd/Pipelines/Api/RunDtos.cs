using CodegenCicd.Pipelines.Runs;

namespace CodegenCicd.Pipelines.Api;

public sealed record StageDto(
    long Id, string Kind, string CheckRunName, string Status, string? Conclusion, int Attempt, long? CheckRunId,
    string? Title, string? Summary, string? Log, string? ReportPath, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt);

public sealed record RunDto(
    long Id, int ProjectId, string Repository, int PullRequest, string HeadSha, string HeadBranch, string Trigger,
    string Status, string? StatusReason, string? MergedSha, string? PreviewPath, string DetailsUrl,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, IReadOnlyList<StageDto> Stages,
    bool FromFork = false, string? AuthorAssociation = null, string? ApprovedBy = null,
    DateTimeOffset? ApprovedAt = null);

public static class RunMapping
{
    public static RunDto ToDto(this PipelineRun run, PipelineOptions options, bool withLogs) => new(
        run.Id, run.ProjectId, run.Repository, run.PullRequest, run.HeadSha, run.HeadBranch, run.Trigger,
        run.Status.ToString(), run.StatusReason, run.MergedSha, run.PreviewPath, options.DetailsUrl(run.Id),
        run.CreatedAt, run.StartedAt, run.CompletedAt,
        [.. run.Stages.OrderBy(s => s.Kind).Select(s => new StageDto(
            s.Id, s.Kind.Slug(), s.Kind.CheckRunName(), s.Status.ToString(), s.Conclusion?.ToString(), s.Attempt,
            s.CheckRunId,
            s.Title, s.Summary, withLogs ? s.Log : null, s.ReportPath, s.StartedAt, s.CompletedAt))],
        run.FromFork, run.AuthorAssociation, run.ApprovedBy, run.ApprovedAt);
}
