using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Installations.AutoPin;

namespace CodegenCicd.GitHub.Installations;

/// <summary>
/// Reconciles installations and projects with GitHub's own lists (<c>GET /app/installations</c>,
/// then <c>GET /installation/repositories</c> per active installation), for changes whose webhooks
/// were missed. Runs at start-up, after setup, and from the Installations page.
/// </summary>
public sealed class InstallationSync(
    GitHubAppApi api, InstallationTokenCache tokens, InstallationStore store, InstallationLocks locks,
    ProjectAutoPin autoPin)
{
    public sealed record Summary(int Installations, int Repositories);

    public async Task<Summary> RunAsync(CancellationToken cancellationToken)
    {
        var installations = await api.ListInstallationsAsync(cancellationToken);
        var repositories = 0;
        foreach (var installation in installations)
        {
            using var _ = await locks.AcquireAsync(installation.Id, cancellationToken);
            await store.UpsertAsync(installation, cancellationToken);
            if (installation.SuspendedAt is not null)
            {
                continue;
            }
            var token = await tokens.GetAsync(installation.Id, cancellationToken);
            var listed = await api.ListInstallationRepositoriesAsync(token, cancellationToken);
            var fresh = await autoPin.NotYetKnownAsync(listed, cancellationToken);
            await store.ReplaceRepositoriesAsync(installation.Id, listed, cancellationToken);
            await autoPin.PinAsync(installation.Id, fresh, cancellationToken);
            repositories += listed.Count;
        }
        await store.MarkMissingDeletedAsync(installations.Select(i => i.Id).ToList(), cancellationToken);
        return new Summary(installations.Count, repositories);
    }
}
