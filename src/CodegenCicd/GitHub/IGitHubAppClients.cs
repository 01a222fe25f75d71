using Octokit;

namespace CodegenCicd.GitHub;

/// <summary>
/// The seam other features use to call GitHub as the App. Implemented in this folder (App JWT,
/// cached installation tokens, rate-limit handling); features never mint tokens themselves.
/// </summary>
public interface IGitHubAppClients
{
    /// <summary>An Octokit client acting as the installation, honouring <c>GitHub:ApiUrl</c>.</summary>
    Task<IGitHubClient> ForInstallationAsync(long installationId, CancellationToken cancellationToken);

    /// <summary>A current installation token (for <c>git fetch</c> over HTTPS). Never log it.</summary>
    Task<string> GetInstallationTokenAsync(long installationId, CancellationToken cancellationToken);
}
