using System.Text;
using CodegenCicd.Accounts;
using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Sandboxes.Deployments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pipelines.Comments;

/// <summary>
/// One comment per pull request with the preview URL and a status table, edited in place on every
/// update (found again by a hidden marker), never posted twice. The preview URL is the stable link
/// for collaborators, or with <c>Previews:Access=link</c> the unguessable capability link of the run's head.
/// </summary>
public sealed class PullRequestComments(
    IGitHubAppClients clients, AppDbContext db, IOptions<PipelineOptions> options,
    IOptions<PreviewAccessOptions> previewAccess, DeploymentStore deployments, ILogger<PullRequestComments> logger)
{
    public const string Marker = "<!-- codegencicd:status -->";

    public async Task UpsertAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        if (run.InstallationId is not { } installation)
        {
            return;
        }
        try
        {
            var live = run.PreviewPath is not null
                && await deployments.IsRunningAsync(run.Repository, run.PullRequest, cancellationToken);
            var body = Render(run, await PreviewLinkAsync(run, cancellationToken), live);
            var digest = Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body)));
            var runId = run.Id;
            if (await db.Set<PipelineRun>()
                .AnyAsync(r => r.Id == runId && r.CommentId != null && r.CommentDigest == digest, cancellationToken))
            {
                return; // GitHub already shows exactly this (a merge gate that looked again and still waits)
            }
            var client = await clients.ForInstallationAsync(installation, cancellationToken);
            var known = await db.Set<PipelineRun>().AsNoTracking()
                .Where(r => r.ProjectId == run.ProjectId && r.PullRequest == run.PullRequest && r.CommentId != null)
                .Select(r => r.CommentId).FirstOrDefaultAsync(cancellationToken);
            if (known is null)
            {
                var existing = await client.Issue.Comment.GetAllForIssue(run.Owner, run.Name, run.PullRequest);
                known = existing.FirstOrDefault(c => c.Body?.Contains(Marker, StringComparison.Ordinal) == true)?.Id;
            }
            var id = known is { } commentId
                ? (await client.Issue.Comment.Update(run.Owner, run.Name, commentId, body)).Id
                : (await client.Issue.Comment.Create(run.Owner, run.Name, run.PullRequest, body)).Id;
            await db.Set<PipelineRun>().Where(r => r.Id == runId)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.CommentId, id).SetProperty(r => r.CommentDigest, digest),
                    cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The comment is a convenience; the check runs carry the result.
            logger.LogWarning("PR comment for run {RunId} not updated: {Reason}",
                run.Id, InfrastructureErrors.Describe(e));
        }
    }

    /// <summary>
    /// The stable link needs sign-in with read access; the capability link opens for whoever has it,
    /// which is what <c>link</c> asks for (it falls back to the stable link until the head was deployed).
    /// </summary>
    private async Task<string?> PreviewLinkAsync(PipelineRun run, CancellationToken cancellationToken) =>
        run.PreviewPath is not { } stable ? null
        : previewAccess.Value.OpenToAnyoneWithTheLink
            ? await deployments.CapabilityPathAsync(run.Repository, run.PullRequest, run.HeadSha, cancellationToken)
                ?? stable
            : stable;

    private string Render(PipelineRun run, string? previewPath, bool previewLive)
    {
        var text = new StringBuilder(Marker).Append("\n### CodegenCICD\n\n");
        if (previewPath is { } preview && run.Status != RunStatus.Cancelled)
        {
            // Asleep is not gone: the link wakes it while the PR is open.
            var state = previewLive ? "live"
                : run.PullRequestClosedAt is null ? "asleep, wakes on the first visit"
                : "gone, the pull request is closed";
            text.Append($"**Preview:** {new Uri(options.Value.PublicUrl, preview.TrimStart('/'))} ({state})\n\n");
        }
        text.Append($"Run [#{run.Id}]({options.Value.DetailsUrl(run.Id)}) "
            + $"for `{run.HeadSha[..Math.Min(7, run.HeadSha.Length)]}`: **{run.Status}**");
        text.Append(run.StatusReason is { Length: > 0 } reason ? $" — {reason}\n\n" : "\n\n");
        text.Append("| stage | status | result |\n| --- | --- | --- |\n");
        foreach (var stage in run.Stages.OrderBy(s => s.Kind))
        {
            text.Append($"| {stage.Kind.Slug()} | {stage.Status} | {stage.Conclusion?.ToString() ?? "—"}: "
                + $"{stage.Title?.Replace("|", "\\|", StringComparison.Ordinal) ?? ""} |\n");
        }
        return text.ToString();
    }
}
