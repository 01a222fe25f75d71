using System.Text;
using System.Text.RegularExpressions;
using CodegenCicd.GitHub;
using CodegenCicd.Sandboxes.Local;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes.Checkout;

/// <summary>
/// Fetches exactly one commit (a shallow fetch of the head SHA) into a host folder the sandbox
/// never sees. Git runs outside the sandbox because it needs the installation token, but with a
/// clean environment and no user or system configuration. The token travels as an
/// <c>Authorization</c> header set through git's environment (<c>GIT_CONFIG_*</c>): never in the
/// URL, never in argv (which <c>ps</c> shows), never in logs, and only to the GitHub host.
/// </summary>
public sealed partial class GitCheckout(SandboxPaths paths, IOptions<GitHubOptions> github, IServiceProvider services)
{
    public async Task<SourceCheckout> FetchAsync(SandboxSource source, CancellationToken cancellationToken)
    {
        if (!ShaPattern().IsMatch(source.HeadSha))
        {
            throw new ArgumentException($"'{source.HeadSha}' is not a full commit SHA", nameof(source));
        }
        var folder = Path.Combine(paths.Checkouts, Guid.NewGuid().ToString("N"));
        var gitDir = Path.Combine(folder, "git");
        var tree = Path.Combine(folder, "tree");
        Directory.CreateDirectory(tree);
        var token = await GetTokenAsync(source, cancellationToken);
        var masker = new SecretMasker(token is null ? [] : [token, Basic(token)]);
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = folder,
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_CONFIG_COUNT"] = "0",
        };
        if (token is not null)
        {
            environment["GIT_CONFIG_COUNT"] = "1";
            environment["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            environment["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + Basic(token);
        }
        try
        {
            async Task<string> Git(params string[] args) =>
                await HostCommand.RunAsync("git", args, cancellationToken, environment, masker, folder);

            await Git("init", "-q", "--bare", gitDir);
            await Git("--git-dir", gitDir, "fetch", "--depth", "1", "--no-tags", "-q", source.CloneUrl.AbsoluteUri,
                source.HeadSha);
            await Git("--git-dir", gitDir, "--work-tree", tree, "checkout", "-q", "-f", "FETCH_HEAD");
            var listing = await Git("--git-dir", gitDir, "ls-tree", "-r", "-z", "--name-only", "FETCH_HEAD");
            var tracked = listing.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return new SourceCheckout(folder, tree, tracked);
        }
        catch (HostCommandException ex)
        {
            await WorkspacePaths.DeleteAsync(folder);
            throw new CheckoutFailedException(
                $"could not fetch {source.Repository}@{source.HeadSha[..12]}: {ex.Message}");
        }
        catch
        {
            await WorkspacePaths.DeleteAsync(folder);
            throw;
        }
    }

    private async Task<string?> GetTokenAsync(SandboxSource source, CancellationToken cancellationToken)
    {
        if (source.InstallationId is not { } installationId)
        {
            return null;
        }
        if (!IsGitHubHost(source.CloneUrl))
        {
            // Never hand the installation token to a host that is not the configured GitHub.
            throw new CheckoutFailedException($"clone URL host '{source.CloneUrl.Host}' is not the configured "
                + "GitHub host (GitHub:WebUrl / GitHub:ApiUrl)");
        }
        var clients = services.GetService<IGitHubAppClients>()
            ?? throw new SandboxUnavailableException(
                "the GitHub App is not configured, so private repositories cannot be fetched");
        return await clients.GetInstallationTokenAsync(installationId, cancellationToken);
    }

    /// <summary>
    /// github.com for api.github.com; HOST for an Enterprise <c>https://HOST/api/v3/</c>; and GitHub:WebUrl's host.
    /// </summary>
    private bool IsGitHubHost(Uri cloneUrl)
    {
        var api = github.Value.ApiUrl;
        var apiWebHost = api.Host.StartsWith("api.", StringComparison.OrdinalIgnoreCase) ? api.Host[4..] : api.Host;
        return string.Equals(cloneUrl.Authority, github.Value.WebUrl.Authority, StringComparison.OrdinalIgnoreCase)
            || string.Equals(cloneUrl.Host, apiWebHost, StringComparison.OrdinalIgnoreCase)
                && (cloneUrl.IsDefaultPort || cloneUrl.Port == api.Port);
    }

    private static string Basic(string token) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + token));

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$")]
    private static partial Regex ShaPattern();
}

/// <summary>
/// A fetched commit on the host: <see cref="Tree"/> holds its files, <see cref="TrackedFiles"/> their paths.
/// </summary>
public sealed record SourceCheckout(string Folder, string Tree, IReadOnlyList<string> TrackedFiles) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await WorkspacePaths.DeleteAsync(Folder);
}

public sealed class CheckoutFailedException(string message) : Exception(message);
