using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using CodegenCicd.GitHub.Credentials;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CodegenCicd.GitHub.Auth;

/// <summary>
/// Mints the App JWT GitHub expects: RS256 over the App's key, <c>iat</c> 60 s in the past (clock
/// drift), <c>exp</c> 9 minutes after now (GitHub refuses more than 10 minutes), <c>iss</c> = App id.
/// </summary>
public sealed class AppJwtFactory(TimeProvider time)
{
    private static readonly TimeSpan Backdate = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ConcurrentDictionary<string, RsaSecurityKey> keys = new(StringComparer.Ordinal);

    public string Create(AppCredentials credentials)
    {
        if (!credentials.CanAuthenticateAsApp)
        {
            throw new GitHubAppNotConfiguredException();
        }
        var now = time.GetUtcNow();
        var issuedAt = now - Backdate;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = credentials.AppId!.Value.ToString(CultureInfo.InvariantCulture),
            IssuedAt = issuedAt.UtcDateTime,
            // Microsoft's handler also writes nbf; GitHub ignores it, and it must not be after iat.
            NotBefore = issuedAt.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials =
                new SigningCredentials(KeyFor(credentials.PrivateKeyPem!), SecurityAlgorithms.RsaSha256),
        });
    }

    private RsaSecurityKey KeyFor(string pem) => keys.GetOrAdd(pem, static text =>
    {
        var rsa = RSA.Create();
        try
        {
            // A key pasted into an environment variable often arrives with literal "\n" (Probot accepts it too).
            rsa.ImportFromPem(text.Replace("\\n", "\n", StringComparison.Ordinal));
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            throw new InvalidOperationException("The GitHub App private key is not a valid PEM RSA key.", ex);
        }
        return new RsaSecurityKey(rsa);
    });
}

/// <summary>Thrown when a call needs the App's identity but no App is configured yet.</summary>
public sealed class GitHubAppNotConfiguredException()
    : InvalidOperationException(
        "No GitHub App is configured: create one at /setup, or set GitHub:AppId and GitHub:PrivateKey.");
