using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Forks;

/// <summary>What a fork PR's run does first: run, wait for a maintainer's approval, or not run at all.</summary>
public enum ForkDecision
{
    Run,
    AwaitApproval,
    Skip,
}

/// <summary>
/// The project's <c>forks</c> policy applied to the PR author's <c>author_association</c>, as GitHub Actions
/// decides whether a fork's workflow needs "Approve and run": owners, members and collaborators are trusted;
/// under <c>run</c> people who have contributed before are too; a first-time contributor always waits.
/// </summary>
public static class ForkTrust
{
    private static readonly string[] Trusted = ["OWNER", "MEMBER", "COLLABORATOR"];

    private static readonly string[] Known =
        [.. Trusted, "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE"];

    public static ForkDecision Decide(ForkPolicy policy, string? association) => policy switch
    {
        ForkPolicy.Skip => ForkDecision.Skip,
        _ when IsTrusted(association) => ForkDecision.Run,
        ForkPolicy.Run when Is(association, "CONTRIBUTOR") => ForkDecision.Run,
        _ => ForkDecision.AwaitApproval,
    };

    /// <summary>
    /// Whether the project's current policy lets this fork run's code run without an approval (a re-run asks this).
    /// </summary>
    public static async Task<bool> MayRunAsync(AppDbContext db, PipelineRun run, CancellationToken cancellationToken)
    {
        var settings = (await new ProjectLookup(db).FindAsync(run.ProjectId, cancellationToken))?.Settings;
        return settings is not null && Decide(settings.Forks, run.AuthorAssociation) == ForkDecision.Run;
    }

    public static bool IsTrusted(string? association) => Trusted.Any(t => Is(association, t));

    /// <summary>
    /// The event did not say (check-suite events carry no author), or said something GitHub does not document: ask the
    /// API.
    /// </summary>
    public static bool NeedsConfirmation(string? association) => !Known.Any(k => Is(association, k));

    /// <summary>Who the author is to the repository, in words for the check run.</summary>
    public static string Describe(string? association) => association?.ToUpperInvariant() switch
    {
        "CONTRIBUTOR" => "has contributed before but has no write access",
        "FIRST_TIME_CONTRIBUTOR" or "FIRST_TIMER" => "is a first-time contributor",
        "OWNER" or "MEMBER" or "COLLABORATOR" => "is a trusted " + association.ToLowerInvariant(),
        null => "could not be confirmed as a collaborator",
        _ => "is not a collaborator of this repository",
    };

    private static bool Is(string? association, string value) =>
        string.Equals(association, value, StringComparison.OrdinalIgnoreCase);
}
