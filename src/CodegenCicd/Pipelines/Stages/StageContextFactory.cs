using System.Text.Json;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>Builds what a stage executor needs from the persisted run.</summary>
public sealed class StageContextFactory(IGitHubAppClients clients, ProjectSecrets secrets, PipelineStore store)
{
    public static PipelineConfig ReadConfig(PipelineRun run) =>
        run.ConfigJson is null
            ? new PipelineConfig()
            : JsonSerializer.Deserialize<PipelineConfig>(run.ConfigJson, ProjectSettings.Json) ?? new PipelineConfig();

    public static string WriteConfig(PipelineConfig config) => JsonSerializer.Serialize(config, ProjectSettings.Json);

    /// <summary>
    /// Said in the deploy and analysis check runs of a fork PR, so a failure for want of a secret is understood.
    /// </summary>
    public const string NoSecretsForForks = "Secrets are not given to pull requests from forks.";

    public static string ForkNote(PipelineRun run) => run.FromFork ? "\n\n" + NoSecretsForForks : "";

    private static readonly IReadOnlyDictionary<string, string> NoSecrets = new Dictionary<string, string>();

    public StageContext Create(PipelineRun run, PipelineStage stage) => new(
        run,
        stage,
        ReadConfig(run),
        async ct => await clients.ForInstallationAsync(
            run.InstallationId ?? throw new InvalidOperationException("The run has no GitHub installation."), ct),
        async ct => new SandboxSource(run.ProjectId, run.Repository, run.PullRequest, run.HeadSha,
            new Uri(run.CloneUrl),
            run.InstallationId,
            // A fork's code is written by anyone; like GitHub Actions, it never sees the project's secrets.
            run.FromFork ? NoSecrets : await secrets.GetValuesAsync(run.ProjectId, ct),
            run.FromFork),
        ct => store.TrySaveAsync(run, ct));
}
