using System.Net.Http.Headers;
using System.Text.Json.Serialization;

namespace CodegenCicd.Accounts;

public sealed record GitHubAccount(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("login")] string Login);

/// <summary>Why a sign-in with GitHub did not complete, in words for the sign-in page.</summary>
public sealed class GitHubSignInException(string message) : Exception(message);

/// <summary>
/// The App's user-to-server OAuth flow (GitHub's "web application flow" with PKCE): the authorize
/// address on <c>GitHub:WebUrl</c>, the code exchange, and <c>GET /user</c> on <c>GitHub:ApiUrl</c>, so
/// GitHub Enterprise Server works the same. The client secret and the token never reach a log.
/// </summary>
public sealed class GitHubOAuthClient(HttpClient http, IGitHubOAuthApp app)
{
    public const string HttpClientName = "github-oauth";

    /// <summary>The OAuth client id when sign-in with GitHub is possible, else null.</summary>
    public async Task<string?> ClientIdAsync(CancellationToken cancellationToken) =>
        (await ClientAsync(cancellationToken))?.Id;

    private Task<(string Id, string Secret)?> ClientAsync(CancellationToken cancellationToken) =>
        app.ClientAsync(cancellationToken);

    public Uri AuthorizeUrl(string clientId, Uri redirectUri, string state, string codeChallenge) =>
        new(WebBase, "login/oauth/authorize?" + string.Join('&',
            $"client_id={Uri.EscapeDataString(clientId)}",
            $"redirect_uri={Uri.EscapeDataString(redirectUri.AbsoluteUri)}",
            $"state={Uri.EscapeDataString(state)}",
            $"code_challenge={Uri.EscapeDataString(codeChallenge)}",
            "code_challenge_method=S256",
            "allow_signup=false"));

    /// <summary>Exchanges the callback's code (with the PKCE verifier) for the user's token.</summary>
    public async Task<string> ExchangeCodeAsync(
        string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken)
            ?? throw new GitHubSignInException(
                "Sign-in with GitHub is not configured (no OAuth client id and secret).");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WebBase, "login/oauth/access_token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = client.Id,
                ["client_secret"] = client.Secret,
                ["code"] = code,
                ["code_verifier"] = codeVerifier,
                ["redirect_uri"] = redirectUri.AbsoluteUri,
            }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = response.IsSuccessStatusCode
            ? await response.Content.ReadFromJsonAsync<TokenAnswer>(cancellationToken)
            : null;
        if (answer?.AccessToken is { Length: > 0 } token)
        {
            return token;
        }
        // GitHub answers 200 with an "error" field (bad_verification_code, incorrect_client_credentials, …).
        throw new GitHubSignInException(
            $"GitHub did not accept the sign-in ({answer?.Error
                ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            + (answer?.ErrorDescription is { } why ? $": {why}" : "") + "). Try again.");
    }

    public async Task<GitHubAccount> GetUserAsync(string token, CancellationToken cancellationToken)
    {
        using var request = UserRequest(HttpMethod.Get, "user", token);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new GitHubSignInException(
                $"GitHub did not say who signed in (GET /user answered {(int)response.StatusCode}).");
        }
        return await response.Content.ReadFromJsonAsync<GitHubAccount>(cancellationToken)
            ?? throw new GitHubSignInException("GitHub's answer to GET /user was empty.");
    }

    /// <summary>A request to the REST API made with the user's own token (what they may see, they see).</summary>
    public HttpRequestMessage UserRequest(HttpMethod method, string relativePath, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(app.ApiBase, relativePath));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        http.SendAsync(request, cancellationToken);

    private Uri WebBase => app.WebBase;

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}
