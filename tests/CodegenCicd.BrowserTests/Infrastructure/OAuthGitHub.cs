using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.BrowserTests.Infrastructure;

/// <summary>
/// Just enough GitHub for a browser to sign in with it: an authorize page with a "Sign in as …"
/// button, the code exchange (PKCE checked), <c>GET /user</c> and a repository's <c>permissions</c>
/// for a user token. (The full fake lives in CodegenCicd.Tests; this one serves pages a browser clicks.)
/// </summary>
public sealed class OAuthGitHub : IAsyncDisposable
{
    public const string ClientId = "Iv1.browserclient";
    public const string ClientSecret = "browser-client-secret";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, (string Login, string Challenge)> codes = new();
    private readonly ConcurrentDictionary<string, string> tokens = new();

    private OAuthGitHub(WebApplication app) => this.app = app;

    public ConcurrentDictionary<(string Repository, string Login), string> Permissions { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<OAuthGitHub> StartAsync(string login)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var webApp = builder.Build();
        var fake = new OAuthGitHub(webApp);
        webApp.MapGet("/login/oauth/authorize", (HttpContext context) =>
        {
            var q = context.Request.Query;
            var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            fake.codes[code] = (login, q["code_challenge"]!);
            var back = $"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}";
            return Results.Content($"""
                <!DOCTYPE html><html lang="en"><head><title>Sign in to GitHub</title></head>
                <body><h1>Authorize CodegenCICD</h1><a id="authorize" href="{System.Net.WebUtility.HtmlEncode(back)}">Sign in as {login}</a></body></html>
                """, "text/html");
        });
        webApp.MapPost("/login/oauth/access_token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (form["client_secret"] != ClientSecret || !fake.codes.TryRemove(form["code"].ToString(), out var issued)
                || Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))).TrimEnd('=').Replace('+', '-').Replace('/', '_') != issued.Challenge)
            {
                return Results.Json(new { error = "bad_verification_code" });
            }
            var token = "ghu_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            fake.tokens[token] = issued.Login;
            return Results.Json(new { access_token = token, token_type = "bearer" });
        });
        webApp.MapGet("/user", (HttpContext context) =>
            fake.LoginOf(context) is { } who ? Results.Json(new { login = who, id = 4242 }) : Results.StatusCode(401));
        webApp.MapGet("/repos/{owner}/{repo}", (string owner, string repo, HttpContext context) =>
            fake.LoginOf(context) is { } who && fake.Permissions.TryGetValue(($"{owner}/{repo}", who), out var permission)
                ? Results.Json(new
                {
                    full_name = $"{owner}/{repo}",
                    permissions = new { admin = permission == "admin", maintain = false, push = permission is "admin" or "write", triage = false, pull = true },
                })
                : Results.StatusCode(404));
        await webApp.StartAsync();
        fake.BaseUrl = webApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return fake;
    }

    private string? LoginOf(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().Split(' ', 2) is [_, var token] && tokens.TryGetValue(token, out var login) ? login : null;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
