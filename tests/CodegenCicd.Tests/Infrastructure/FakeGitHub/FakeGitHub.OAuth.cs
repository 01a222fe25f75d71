using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>
/// The App's user-to-server OAuth as GitHub runs it: <c>/login/oauth/authorize</c> "signs in" as
/// <see cref="NextSignIn"/> and redirects back with a code and the state; <c>POST
/// /login/oauth/access_token</c> checks the client secret, the code (once), the redirect URI and the
/// PKCE verifier against the challenge; <c>GET /user</c> and <c>GET /repos/{o}/{r}</c> answer for a
/// user token, the latter with <c>permissions</c> from <see cref="UserPermissions"/> (404 when none).
/// </summary>
public sealed partial class FakeGitHub
{
    public string OAuthClientId { get; } = "Iv1.fakeclient0001";

    public string OAuthClientSecret { get; } = "fake-client-secret-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Who the next authorize request signs in as (the person at GitHub's sign-in screen).</summary>
    public string NextSignIn { get; set; } = "octocat";

    /// <summary>GitHub user ids by login (assigned on first use).</summary>
    public ConcurrentDictionary<string, long> UserIds { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A user's permission on a repository: "admin", "write", "read"; absent means they cannot see it (404).</summary>
    public ConcurrentDictionary<(string Repository, string Login), string> UserPermissions { get; } = new();

    /// <summary>Authorize requests received, with their query (state, code_challenge, …).</summary>
    public ConcurrentQueue<IQueryCollection> AuthorizeRequests { get; } = new();

    /// <summary>Code exchanges refused, and why (for assertions).</summary>
    public ConcurrentQueue<string> RefusedExchanges { get; } = new();

    private readonly ConcurrentDictionary<string, (string Login, string Challenge, string RedirectUri)> codes = new();
    private readonly ConcurrentDictionary<string, string> userTokens = new();

    partial void MapOAuthEndpoints(WebApplication webApp)
    {
        webApp.MapGet("/login/oauth/authorize", (HttpContext context) =>
        {
            var query = context.Request.Query;
            AuthorizeRequests.Enqueue(query);
            if (query["client_id"] != OAuthClientId || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
            {
                return Results.BadRequest("client_id unknown or PKCE (S256) missing");
            }
            var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
            codes[code] = (NextSignIn, query["code_challenge"]!, query["redirect_uri"]!);
            return Results.Redirect($"{query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(query["state"]!)}");
        });
        webApp.MapPost("/login/oauth/access_token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var known = codes.TryRemove(form["code"].ToString(), out var issued);
            string? refusal =
                form["client_id"] != OAuthClientId || form["client_secret"] != OAuthClientSecret ? "incorrect_client_credentials"
                : !known ? "bad_verification_code"
                : issued.RedirectUri != form["redirect_uri"] ? "redirect_uri_mismatch"
                : Challenge(form["code_verifier"].ToString()) != issued.Challenge ? "bad_verification_code"
                : null;
            if (refusal is not null)
            {
                RefusedExchanges.Enqueue(refusal);
                // GitHub answers these with 200 and an error field.
                return Results.Json(new JsonObject { ["error"] = refusal, ["error_description"] = refusal.Replace('_', ' ') });
            }
            return Results.Json(new JsonObject { ["access_token"] = IssueUserToken(issued.Login), ["token_type"] = "bearer", ["scope"] = "" });
        });
        foreach (var root in new[] { "", "/api/v3" })
        {
            webApp.MapGet(root + "/user", (HttpContext context) =>
                UserOf(context.Request.Headers.Authorization.ToString()) is { } login
                    ? Results.Json(new JsonObject { ["login"] = login, ["id"] = UserIds.GetOrAdd(login, _ => 1000 + UserIds.Count) })
                    : Error(401, "Bad credentials"));
        }
    }

    /// <summary>A user-to-server token for <paramref name="login"/>, as the code exchange gives.</summary>
    public string IssueUserToken(string login)
    {
        var token = "ghu_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        userTokens[token] = login;
        return token;
    }

    /// <summary>The login a <c>Bearer ghu_…</c> header belongs to, or null.</summary>
    public string? UserOf(string authorization)
    {
        var parts = authorization.Split(' ', 2);
        return parts.Length == 2 && parts[0] is "token" or "Bearer" && userTokens.TryGetValue(parts[1], out var login) ? login : null;
    }

    private static string Challenge(string verifier) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
