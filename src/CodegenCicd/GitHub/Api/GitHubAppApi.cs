using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Credentials;

namespace CodegenCicd.GitHub.Api;

/// <summary>
/// The calls GitHub documents for the App itself (REFERENCE.md): installation tokens, the
/// installations and their repositories, the manifest conversion. Octokit covers the per-repository
/// calls; these few are plain typed HTTP so the App JWT and token cache stay in our hands.
/// Rate limits and blips are retried by the resilience pipeline on this client (see <see cref="GitHubRetryPolicy"/>).
/// </summary>
public sealed partial class GitHubAppApi(HttpClient http, AppCredentialsProvider credentials, AppJwtFactory jwt)
{
    public const string HttpClientName = "GitHub";
    private const int PerPage = 100;

    public async Task<InstallationTokenResponse> CreateInstallationTokenAsync(
        long installationId, CancellationToken cancellationToken)
    {
        using var request = await AsAppAsync(HttpMethod.Post,
            $"app/installations/{installationId.ToString(CultureInfo.InvariantCulture)}/access_tokens",
            cancellationToken);
        // Another token is harmless if GitHub made one for the attempt that answered 502.
        RetrySafeRequests.Mark(request);
        return await SendAsync<InstallationTokenResponse>(request, cancellationToken);
    }

    public async Task<GitHubApp> GetAppAsync(CancellationToken cancellationToken)
    {
        using var request = await AsAppAsync(HttpMethod.Get, "app", cancellationToken);
        return await SendAsync<GitHubApp>(request, cancellationToken);
    }

    public async Task<GitHubApp> GetAppAsync(AppCredentials candidate, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "app");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt.Create(candidate));
        return await SendAsync<GitHubApp>(request, cancellationToken);
    }

    /// <summary><c>GET /app/installations</c>, every page.</summary>
    public async Task<IReadOnlyList<GitHubInstallation>> ListInstallationsAsync(CancellationToken cancellationToken)
    {
        var all = new List<GitHubInstallation>();
        for (var page = 1; ; page++)
        {
            using var request = await AsAppAsync(
                HttpMethod.Get, $"app/installations?per_page={PerPage}&page={page}", cancellationToken);
            var items = await SendAsync<List<GitHubInstallation>>(request, cancellationToken);
            all.AddRange(items);
            if (items.Count < PerPage)
            {
                return all;
            }
        }
    }

    /// <summary><c>GET /installation/repositories</c> with the installation's token, every page.</summary>
    public async Task<IReadOnlyList<GitHubRepository>> ListInstallationRepositoriesAsync(
        string installationToken, CancellationToken cancellationToken)
    {
        var all = new List<GitHubRepository>();
        for (var page = 1; ; page++)
        {
            using var request = new HttpRequestMessage(
                HttpMethod.Get, $"installation/repositories?per_page={PerPage}&page={page}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", installationToken);
            var result = await SendAsync<InstallationRepositoriesPage>(request, cancellationToken);
            all.AddRange(result.Repositories);
            if (result.Repositories.Count < PerPage || all.Count >= result.TotalCount)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// <c>POST /app-manifests/{code}/conversions</c>: no authentication, valid for an hour after the redirect.
    /// </summary>
    public async Task<ManifestConversion> ConvertManifestAsync(string code, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"app-manifests/{Uri.EscapeDataString(code)}/conversions");
        return await SendAsync<ManifestConversion>(request, cancellationToken);
    }

    private async Task<HttpRequestMessage> AsAppAsync(
        HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var current = await credentials.GetAsync(cancellationToken);
        if (current is null || !current.CanAuthenticateAsApp)
        {
            throw new GitHubAppNotConfiguredException();
        }
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt.Create(current));
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new GitHubApiException(response.StatusCode, request.Method, request.RequestUri,
                await ReadMessageAsync(response, cancellationToken));
        }
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new GitHubApiException(
                response.StatusCode, request.Method, request.RequestUri, "empty response body");
    }

    private static async Task<string> ReadMessageAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) ? message.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}

/// <summary>GitHub answered with an error; <see cref="Exception.Message"/> carries GitHub's own message.</summary>
public sealed class GitHubApiException(HttpStatusCode status, HttpMethod method, Uri? uri, string message)
        : Exception($"GitHub {method} {(uri is { IsAbsoluteUri: true } ? uri.AbsolutePath : uri?.OriginalString)} "
            + $"answered {(int)status}: {message}")
{
    public HttpStatusCode StatusCode { get; } = status;
}
