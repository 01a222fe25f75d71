using CodegenCicd.Data;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Tells a PR, as the App, that the agent gave up and a person must take over.</summary>
public sealed class PullRequestNotes(ProjectLookup projects, IServiceProvider services,
    ILogger<PullRequestNotes> logger)
{
    /// <summary>
    /// Returns the history note to record, or null when the comment could not be posted (the reason is logged).
    /// </summary>
    public async Task<string?> PostNeedsPersonAsync(AgentRun run, PipelineRunOutcome outcome, int maxIterations,
        CancellationToken cancellationToken)
    {
        var project = await projects.GetAsync(run.ProjectId, cancellationToken);
        // Resolved lazily: the GitHub App may be unconfigured, and the fix loop must still record the outcome.
        var clients = services.GetService<IGitHubAppClients>();
        if (clients is null || project.InstallationId is not { } installationId)
        {
            logger.LogWarning("Agent run {AgentRunId} needs a person, but {Repository} has no GitHub App installation "
                + "to comment with", run.Id, project.FullName);
            return null;
        }
        try
        {
            var github = await clients.ForInstallationAsync(installationId, cancellationToken);
            await github.Issue.Comment.Create(project.Owner, project.Name, outcome.PullRequest,
                Body(run, maxIterations));
            return $"Commented on pull request #{outcome.PullRequest} that a person is needed";
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException or InvalidOperationException)
        {
            logger.LogWarning("Could not comment on {Repository}#{PullRequest}: {Reason}", project.FullName,
                outcome.PullRequest, e.Message);
            return null;
        }
    }

    public static string Body(AgentRun run, int maxIterations)
    {
        var codegenLink = run.WebUrl is null ? "" : $" ([Codegen run]({run.WebUrl}))";
        return $"""
            **CodegenCICD: a person is needed on this pull request.**

            The Codegen agent{codegenLink} was sent {maxIterations} failure report(s) and the pipeline still fails, which is this project's limit.
            The agent will not be asked again; please take over, or raise the project's max iterations and re-run the pipeline.

            <sub>Agent run #{run.Id} · target: {FirstLine(run.Target)}</sub>
            """;
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 120 ? line : line[..120] + "…";
    }
}
