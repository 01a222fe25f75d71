using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.GitHub;

public sealed class GitHubOptions : IConfigSection, IValidatableObject
{
    public static string SectionName => "GitHub";

    /// <summary>The App's id, the JWT <c>iss</c>. Without it the app runs in setup mode.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "GitHub:AppId must be a positive integer")]
    public long? AppId { get; set; }

    /// <summary>PEM private key text.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Path of a PEM private key file, used when <see cref="PrivateKey"/> is empty.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>HMAC secret for <c>X-Hub-Signature-256</c>; mandatory once the App is configured.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// The App's OAuth client id for "Sign in with GitHub" (<c>/setup</c> stores one too, which wins).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The App's OAuth client secret; never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>REST API base; GitHub Enterprise Server is <c>https://HOST/api/v3/</c>.</summary>
    public Uri ApiUrl { get; set; } = new("https://api.github.com/");

    /// <summary>
    /// Web base: the manifest flow, links to repositories and pull requests, git fetches; GitHub Enterprise Server is
    /// <c>https://HOST/</c>.
    /// </summary>
    public Uri WebUrl { get; set; } = new("https://github.com/");

    /// <summary>
    /// <see cref="ApiUrl"/> with a trailing slash, so relative paths keep a GitHub Enterprise Server
    /// prefix (<c>https://HOST/api/v3</c> + <c>app</c> must not become <c>https://HOST/api/app</c>).
    /// </summary>
    public Uri ApiBase => ApiUrl.AbsoluteUri.EndsWith('/') ? ApiUrl : new Uri(ApiUrl.AbsoluteUri + "/");

    /// <summary>Reconcile installations and repositories with GitHub when the app starts.</summary>
    public bool SyncInstallationsAtStartup { get; set; } = true;

    /// <summary>
    /// Retries, within the same call, of a GitHub 5xx, timeout or network error on a request that is safe to send
    /// again; after them the job or effect is retried later. Rate limits are retried regardless of this.
    /// </summary>
    [Range(0, 10, ErrorMessage = "GitHub:TransientRetries must be between 0 and 10")]
    public int TransientRetries { get; set; } = 4;

    /// <summary>
    /// Wait before the first of those retries, doubled for each next one up to 10 s; a Retry-After from GitHub wins.
    /// </summary>
    [Range(0, 10, ErrorMessage = "GitHub:TransientRetryDelaySeconds must be between 0 and 10")]
    public double TransientRetryDelaySeconds { get; set; } = 1;

    /// <summary>The seed's GITHUB_TOKEN (a personal access token); not used for App calls.</summary>
    public string? Token { get; set; }

    public bool IsAppConfigured => AppId is not null;

    /// <summary>
    /// A repository's page (or one of its pull requests) on <see cref="WebUrl"/>,
    /// so Enterprise links stay on the Enterprise host.
    /// </summary>
    public string RepositoryUrl(string fullName, int? pullRequest = null)
    {
        // Built as a string, each segment escaped, rather than by resolving a Uri: the dashboard asks for one per card
        // and per open pull request (about 600 on 200 projects), and Uri resolution was 6 % of that page's CPU.
        var repository = WebUrl.AbsoluteUri.TrimEnd('/') + "/"
            + string.Join('/', fullName.Split('/').Select(Uri.EscapeDataString));
        return pullRequest is { } number
            ? string.Create(CultureInfo.InvariantCulture, $"{repository}/pull/{number}")
            : repository;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ApiUrl.IsAbsoluteUri || ApiUrl.Scheme is not ("http" or "https"))
        {
            yield return new("GitHub:ApiUrl must be an absolute http(s) URL");
        }
        if (!WebUrl.IsAbsoluteUri || WebUrl.Scheme is not ("http" or "https"))
        {
            yield return new("GitHub:WebUrl must be an absolute http(s) URL");
        }
        if (!string.IsNullOrEmpty(PrivateKeyPath) && !File.Exists(PrivateKeyPath))
        {
            yield return new($"GitHub:PrivateKeyPath: file '{PrivateKeyPath}' does not exist");
        }
        if (AppId is null)
        {
            yield break;
        }
        if (string.IsNullOrWhiteSpace(WebhookSecret))
        {
            yield return new(
                "GitHub:WebhookSecret is required once GitHub:AppId is set (unsigned webhooks are refused)");
        }
        if (string.IsNullOrWhiteSpace(PrivateKey) && string.IsNullOrWhiteSpace(PrivateKeyPath))
        {
            yield return new("GitHub:PrivateKey (or GitHub:PrivateKeyPath) is required once GitHub:AppId is set");
        }
        else if (!string.IsNullOrWhiteSpace(PrivateKey)
            && !PrivateKey.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            yield return new(
                "GitHub:PrivateKey is not a PEM private key (expected a -----BEGIN ... PRIVATE KEY----- block)");
        }
    }
}
