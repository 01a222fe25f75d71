using CodegenCicd.GitHub.Api;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;

namespace CodegenCicd.GitHub.Auth;

/// <summary>
/// Octokit clients acting as an installation. Each request asks the token cache for the current
/// token (so a client held by a long job never goes stale), and goes through the same HTTP handler
/// pipeline as <see cref="GitHubAppApi"/>, rate-limit retries included. <c>GitHub:ApiUrl</c> is used
/// as given (GitHub Enterprise Server: <c>https://HOST/api/v3/</c>).
/// </summary>
internal sealed class GitHubAppClients(
    InstallationTokenCache tokens, IHttpMessageHandlerFactory handlers, IOptions<GitHubOptions> options)
    : IGitHubAppClients
{
    private static readonly ProductHeaderValue Product = new("CodegenCICD");

    public Task<IGitHubClient> ForInstallationAsync(long installationId, CancellationToken cancellationToken)
    {
        // The factory's handlers are pooled and lifetime-tracked; Octokit disposing its HttpClient leaves them intact.
        var http = new HttpClientAdapter(() => handlers.CreateHandler(GitHubAppApi.HttpClientName));
        var connection = new Connection(Product, options.Value.ApiBase,
            new InstallationCredentialStore(tokens, installationId), http, new SimpleJsonSerializer());
        return Task.FromResult<IGitHubClient>(new GitHubClient(connection));
    }

    public Task<string> GetInstallationTokenAsync(long installationId, CancellationToken cancellationToken) =>
        tokens.GetAsync(installationId, cancellationToken);

    private sealed class InstallationCredentialStore(InstallationTokenCache tokens, long installationId)
        : ICredentialStore
    {
        public async Task<Octokit.Credentials> GetCredentials() =>
            new(await tokens.GetAsync(installationId, CancellationToken.None), AuthenticationType.Bearer);
    }
}
