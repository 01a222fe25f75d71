using CodegenCicd.Audit;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Api;
using Microsoft.Extensions.Options;
using CodegenCicd.Projects;
using Octokit;

namespace CodegenCicd.GitHub.Installations.AutoPin;

/// <summary>
/// Pins repositories the App was just installed on, by <see cref="AutoPinOptions"/>. Only newly
/// installed repositories are considered (an installation event, or one sync finds for the first
/// time), so a project someone removed stays removed until the App is installed on it again.
/// </summary>
public sealed class ProjectAutoPin(
    ProjectDirectory projects, ProjectCatalog catalog, IGitHubAppClients clients, IOptions<AutoPinOptions> options,
    IAuditLog audit, ILogger<ProjectAutoPin> logger)
{
    public const string Actor = "codegencicd (auto-pin)";

    /// <summary>Of these repositories, the ones no project knows yet (call before the sync records them).</summary>
    public async Task<IReadOnlyList<GitHubRepository>> NotYetKnownAsync(
        IReadOnlyCollection<GitHubRepository> repositories, CancellationToken cancellationToken)
    {
        if (options.Value.Is(AutoPinOptions.None) || repositories.Count == 0)
        {
            return [];
        }
        var known = await projects.KnownRepositoryIdsAsync([.. repositories.Select(r => r.Id)], cancellationToken);
        return [.. repositories.Where(r => !known.Contains(r.Id))];
    }

    /// <summary>
    /// Pins the repositories that qualify; a repository GitHub cannot be asked about now is left for someone to pin.
    /// </summary>
    public async Task PinAsync(
        long installationId, IEnumerable<GitHubRepository> repositories, CancellationToken cancellationToken)
    {
        var mode = options.Value;
        if (mode.Is(AutoPinOptions.None))
        {
            return;
        }
        IGitHubClient? client = null;
        foreach (var repository in repositories)
        {
            if (mode.Is(AutoPinOptions.ConfigFile))
            {
                try
                {
                    client ??= await clients.ForInstallationAsync(installationId, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // No App credentials (the receive command, setup mode) or
                    // GitHub unreachable: nothing is pinned, nothing fails.
                    logger.LogWarning("Auto-pin skipped for installation {InstallationId}: {Reason}",
                        installationId, e.Message);
                    return;
                }
                if (!await HasConfigFileAsync(client, repository.FullName))
                {
                    continue;
                }
            }
            if (await catalog.PinAsync(repository.FullName, cancellationToken) is { NewlyPinned: true } pinned)
            {
                logger.LogInformation("Pinned {Repository} automatically (Projects:AutoPin = {Mode})",
                    repository.FullName, mode.AutoPin);
                await audit.RecordAsync(new(AuditActions.ProjectAutoPin, pinned.Project.Id, repository.FullName,
                    mode.Is(AutoPinOptions.All)
                        ? "Projects:AutoPin = all"
                        : $"{RepoConfigFile.Path} on the default branch",
                    Actor), cancellationToken);
            }
        }
    }

    /// <summary>The file on the default branch (the contents API without a ref reads the default branch).</summary>
    private async Task<bool> HasConfigFileAsync(IGitHubClient client, string fullName)
    {
        var parts = fullName.Split('/', 2);
        try
        {
            return (await client.Repository.Content.GetAllContents(parts[0], parts[1], RepoConfigFile.Path)).Count > 0;
        }
        catch (NotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // GitHub unreachable, or no App credentials yet (tokens
            // are fetched on first use): leave it for someone to pin.
            logger.LogWarning("Could not read {Path} of {Repository} to decide on auto-pinning: {Message}",
                RepoConfigFile.Path, fullName, e.Message);
            return false;
        }
    }
}
