namespace CodegenCicd.GitHub.Credentials;

/// <summary>Where the effective App credentials came from (shown on the admin pages).</summary>
public enum CredentialSource
{
    Configuration,
    Database,
}

/// <summary>
/// The App's credentials in effect now. <see cref="AppId"/> and <see cref="PrivateKeyPem"/> are
/// null when only a webhook secret is configured (local development with the <c>receive</c> command).
/// </summary>
public sealed record AppCredentials(
    long? AppId,
    string? PrivateKeyPem,
    string? WebhookSecret,
    CredentialSource Source,
    string? Slug = null,
    string? HtmlUrl = null,
    string? ClientId = null,
    string? ClientSecret = null)
{
    /// <summary>
    /// "Sign in with GitHub" needs the App's OAuth client (from /setup or GitHub:ClientId / GitHub:ClientSecret).
    /// </summary>
    public bool CanSignInUsers => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    public bool CanAuthenticateAsApp => AppId is not null && !string.IsNullOrWhiteSpace(PrivateKeyPem);

    /// <summary>Never print secrets, not even by accident in a log template.</summary>
    public override string ToString() =>
        $"App {AppId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} from {Source}";
}
