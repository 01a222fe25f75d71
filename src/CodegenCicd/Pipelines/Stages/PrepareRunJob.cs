using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.Pipelines.Checks;
using CodegenCicd.Pipelines.Effects;
using CodegenCicd.Pipelines.Forks;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Makes a new run visible and decides its configuration: all four check runs are created
/// <c>queued</c> at once (each id saved as soon as GitHub returns it), then the repo file is read over
/// the project's settings: at the head SHA, except its merge section, which is read at the base branch
/// (see <see cref="RepoConfigLoader"/>). An invalid head file fails the run with its parse error; an
/// invalid base file does not (the PR did not break it), its error goes into the analysis check run.
/// A fork PR's configuration comes from the base branch alone, and <see cref="ForkGate"/> may hold its run.
/// </summary>
[AutomaticRetry(Attempts = 5)]
public sealed class PrepareRunJob(
    PipelineStore store, ProjectLookup projects, IGitHubAppClients clients, CheckRunReporter reporter,
    EffectProcessor effects, UnpreparedRun unprepared, ForkGate forks, TimeProvider time, ILogger<PrepareRunJob> logger)
{
    public async Task RunAsync(long runId, CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(runId, cancellationToken);
        }
        catch (GitHubAppNotConfiguredException e)
        {
            // Not a passing fault that retries could outlast: say so on the run now.
            logger.LogWarning("Run {RunId} cannot be prepared: {Reason}", runId, e.Message);
            await unprepared.EndAsync(runId, e.Message, cancellationToken);
        }
    }

    private async Task PrepareAsync(long runId, CancellationToken cancellationToken)
    {
        if (await store.FindRunAsync(runId, cancellationToken) is not { Status: RunStatus.Queued } run)
        {
            return;
        }
        var client = await clients.ForInstallationAsync(
            run.InstallationId ?? throw new InvalidOperationException("The run has no GitHub installation."),
            cancellationToken);
        foreach (var stage in run.Stages.OrderBy(s => s.Kind).Where(s => s.Status == StageStatus.Pending))
        {
            stage.CheckRunId ??= await reporter.CreateQueuedAsync(client, run, stage,
                "Waiting for the stages before it.");
            // Created queued: GitHub already shows it.
            stage.MoveTo(StageStatus.Queued, time.GetUtcNow(), showOnGitHub: false);
            if (!await store.TrySaveAsync(run, cancellationToken))
            {
                return;
            }
        }
        var project = await projects.GetAsync(run.ProjectId, cancellationToken);
        var config = await RepoConfigLoader.LoadAsync(client, run.Owner, run.Name, run.HeadSha, run.BaseBranch,
            project.Settings.Pipeline, run.FromFork);
        run.ConfigJson = StageContextFactory.WriteConfig(config.Config);
        run.ConfigWarnings = config.UnknownKeys.Count == 0
            ? null
            : string.Join(", ", config.UnknownKeys.Select(k => $"`{k}`"));
        run.BaseConfigError = config.BaseError;
        // Before anything of the PR's runs: a fork PR may have to wait for a maintainer, or not run at all.
        if (await forks.HoldAsync(run, client, project.Settings.Forks, cancellationToken))
        {
            return;
        }
        var now = time.GetUtcNow();
        run.MoveTo(RunStatus.Running, now);
        if (!config.IsValid)
        {
            var analysis = run.Stages.Single(s => s.Kind == StageKind.Analysis);
            analysis.Complete(StageConclusion.Failure, "Invalid .github/codegen-cicd.yml",
                $"The repository configuration file is invalid, so nothing ran:\n\n```\n{config.Error}\n```\n\n"
                + $"Fix the file and push again.{ConfigNotes.Markdown(run)}", now);
        }
        // The PR comment shows the run started; then its first stage starts (or, with an invalid file, it ends).
        run.ReportRun(now);
        run.Advance(now);
        if (await store.TrySaveAsync(run, cancellationToken))
        {
            await effects.ProcessRunAsync(run.Id, cancellationToken);
        }
    }
}
