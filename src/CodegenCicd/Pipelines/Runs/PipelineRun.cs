using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CodegenCicd.Pipelines.Runs;

/// <summary>One validation of one head SHA of one pull request. The database is the source of truth.</summary>
public sealed class PipelineRun
{
    public long Id { get; set; }

    public int ProjectId { get; set; }

    /// <summary><c>owner/name</c>.</summary>
    public required string Repository { get; set; }

    public int PullRequest { get; set; }

    public required string HeadSha { get; set; }

    public string HeadBranch { get; set; } = "";

    public string BaseBranch { get; set; } = "";

    public string? PullRequestUrl { get; set; }

    /// <summary>The PR's title when the run started (check-suite events carry none: the PR's last known one).</summary>
    public string? PullRequestTitle { get; set; }

    public required string CloneUrl { get; set; }

    public long? InstallationId { get; set; }

    /// <summary>The head comes from a fork: its sandboxes run without the project's secrets.</summary>
    public bool FromFork { get; set; }

    /// <summary>The PR author's login, when known (webhooks carry it; check-suite events do not).</summary>
    public string? AuthorLogin { get; set; }

    /// <summary>
    /// GitHub's <c>author_association</c> of the PR's author with the repository (OWNER, MEMBER, COLLABORATOR,
    /// CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, NONE), confirmed through the API when the event lacked it.
    /// </summary>
    public string? AuthorAssociation { get; set; }

    /// <summary>Who let a fork PR's run start: a GitHub login, or "admin" for the admin site and API.</summary>
    public string? ApprovedBy { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>What started it: "pull_request.opened", "check_suite.rerequested", "admin.rerun", "receive"…</summary>
    public required string Trigger { get; set; }

    /// <summary>The webhook delivery that started it, so a redelivery starts nothing new.</summary>
    public string? DeliveryId { get; set; }

    /// <summary>
    /// "{project}:{pr}:{sha}" while the run is not cancelled: unique, so two racing events start one run.
    /// </summary>
    public string? ActiveKey { get; set; }

    public RunStatus Status { get; set; }

    /// <summary>
    /// The effective configuration (project settings overridden by the repo file), fixed at preparation.
    /// </summary>
    public string? ConfigJson { get; set; }

    /// <summary>Unknown keys in the repo file, reported in the analysis check run.</summary>
    public string? ConfigWarnings { get; set; }

    /// <summary>
    /// The parse error of the repo file on the base branch (merging then followed the project settings).
    /// </summary>
    public string? BaseConfigError { get; set; }

    /// <summary>
    /// When GitHub said the pull request was closed (merged or not), set on every run of that PR;
    /// cleared when it is reopened. The dashboard lists a PR as open only while this is null.
    /// </summary>
    public DateTimeOffset? PullRequestClosedAt { get; set; }

    /// <summary>Where the deployment answers on this host (what the browser checks).</summary>
    public string? DeploymentUrl { get; set; }

    public string? PreviewPath { get; set; }

    /// <summary>
    /// The deployment the deploy stage made: web-eval asks for it by id (woken if it sleeps), never browses
    /// a saved address.
    /// </summary>
    public int? DeploymentId { get; set; }

    /// <summary>Why the run ended or waits, in one line.</summary>
    public string? StatusReason { get; set; }

    /// <summary>Set before calling GitHub's merge, so a merge is attempted at most once per run.</summary>
    public string? MergeAttemptSha { get; set; }

    public string? MergedSha { get; set; }

    /// <summary>A person pressed "Merge now" on the merge check: overrides merge.auto and require_label.</summary>
    public bool MergeRequested { get; set; }

    /// <summary>A hash of the comment body this run last wrote; an unchanged body is not sent again.</summary>
    public string? CommentDigest { get; set; }

    public long? CommentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public List<PipelineStage> Stages { get; set; } = [];

    /// <summary>Effects of saved changes not carried out yet (the outbox); loaded only when asked for.</summary>
    public List<PipelineEffect> Effects { get; set; } = [];

    public string Owner => Repository.Split('/')[0];

    public string Name => Repository.Split('/')[^1];

    public static string ActiveKeyFor(int projectId, int pullRequest, string headSha) =>
        $"{projectId}:{pullRequest}:{headSha}";
}

internal sealed class PipelineRunConfiguration : IEntityTypeConfiguration<PipelineRun>
{
    public void Configure(EntityTypeBuilder<PipelineRun> builder)
    {
        builder.HasIndex(r => r.ActiveKey).IsUnique();
        builder.HasIndex(r => r.DeliveryId);
        builder.HasIndex(r => new { r.ProjectId, r.PullRequest });
        builder.HasIndex(r => r.Status);
        // Lists are newest first: a project's runs, a PR number's runs, and each project's newest run
        // (the dashboard) are index seeks, not scans of every run.
        builder.HasIndex(r => new { r.ProjectId, r.Id });
        builder.HasIndex(r => new { r.PullRequest, r.Id });
        // Just the runs of pull requests that may still be open (few, however long the history): the
        // dashboard's open PRs.
        builder.HasIndex(r => new { r.ProjectId, r.PullRequest }, "IX_PipelineRun_OpenPullRequests")
            .HasFilter("\"PullRequestClosedAt\" IS NULL AND \"MergedSha\" IS NULL");
        builder.Property(r => r.Repository).HasMaxLength(200);
        builder.Property(r => r.HeadSha).HasMaxLength(64);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
        builder.Property(r => r.MergeAttemptSha).HasMaxLength(64).IsConcurrencyToken();
        builder.Property(r => r.CommentDigest).HasMaxLength(64);
        builder.Property(r => r.PullRequestTitle).HasMaxLength(256);
        builder.Property(r => r.AuthorLogin).HasMaxLength(100);
        builder.Property(r => r.AuthorAssociation).HasMaxLength(40);
        builder.Property(r => r.ApprovedBy).HasMaxLength(100);
        builder.HasOne<Project>().WithMany().HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Stages).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(r => r.Owner);
        builder.Ignore(r => r.Name);
    }
}
