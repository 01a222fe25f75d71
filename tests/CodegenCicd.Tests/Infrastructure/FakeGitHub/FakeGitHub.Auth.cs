using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>What the fake checks on every call: the App JWT (on /app/*) and installation tokens (elsewhere).</summary>
public sealed partial class FakeGitHub
{
    private readonly ConcurrentDictionary<string, (long InstallationId, DateTimeOffset ExpiresAt)> tokens = new();

    /// <summary>Tokens issued so far (the app under test should reuse one until it nears expiry).</summary>
    public int TokensIssued => tokens.Count;

    /// <summary>Issues an installation token like <c>POST /app/installations/{id}/access_tokens</c>.</summary>
    public (string Token, DateTimeOffset ExpiresAt) IssueInstallationToken(long installationId, TimeSpan? lifetime = null)
    {
        // Real tokens are growing longer; never let the app assume a length.
        var token = "ghs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var expiresAt = DateTimeOffset.UtcNow + (lifetime ?? TimeSpan.FromHours(1));
        tokens[token] = (installationId, expiresAt);
        return (token, expiresAt);
    }

    /// <summary>The installation a <c>token …</c> / <c>Bearer …</c> header belongs to, if live.</summary>
    public bool TryAuthenticateInstallation(string authorization, out long installationId)
    {
        installationId = 0;
        var parts = authorization.Split(' ', 2);
        if (parts.Length == 2 && parts[0] is "token" or "Bearer" && tokens.TryGetValue(parts[1], out var entry)
            && entry.ExpiresAt > DateTimeOffset.UtcNow)
        {
            installationId = entry.InstallationId;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Validates an App JWT as GitHub does: RS256 signed by the App's key, iss = App id,
    /// iat not in the future (60 s drift allowed), exp at most 10 minutes after iat.
    /// </summary>
    public async Task<string?> ValidateAppJwtAsync(string authorization)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "A JSON web token could not be decoded";
        }
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(authorization["Bearer ".Length..], new TokenValidationParameters
        {
            ValidateAudience = false,
            ValidIssuer = AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IssuerSigningKey = new RsaSecurityKey(Key.ExportParameters(false)),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromSeconds(60),
        });
        if (!result.IsValid)
        {
            return "'Issued at' claim ('iat') or signature is invalid: " + result.Exception?.Message;
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        if (jwt.ValidTo - jwt.IssuedAt > TimeSpan.FromMinutes(10))
        {
            return "'Expiration time' claim ('exp') is too far in the future";
        }
        return null;
    }
}
