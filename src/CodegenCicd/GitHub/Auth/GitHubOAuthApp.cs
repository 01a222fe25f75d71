using CodegenCicd.Accounts;
using CodegenCicd.GitHub.Credentials;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub.Auth;

/// <summary>
/// The App's OAuth client for sign-in: stored by /setup, else <c>GitHub:ClientId</c> / <c>GitHub:ClientSecret</c> (even
/// before the App itself is configured).
/// </summary>
public sealed class GitHubOAuthApp(AppCredentialsProvider credentials, IOptions<GitHubOptions> options)
    : IGitHubOAuthApp
{
    public Uri WebBase => options.Value.WebUrl.AbsoluteUri.EndsWith('/')
        ? options.Value.WebUrl
        : new Uri(options.Value.WebUrl.AbsoluteUri + "/");

    public Uri ApiBase => options.Value.ApiBase;

    public async Task<(string Id, string Secret)?> ClientAsync(CancellationToken cancellationToken)
    {
        if (await credentials.GetAsync(cancellationToken) is { CanSignInUsers: true } app)
        {
            return (app.ClientId!, app.ClientSecret!);
        }
        var o = options.Value;
        return string.IsNullOrWhiteSpace(o.ClientId) || string.IsNullOrWhiteSpace(o.ClientSecret)
            ? null
            : (o.ClientId, o.ClientSecret);
    }
}
