using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Accounts;

/// <summary>
/// "Sign in with GitHub": <c>/Account/SignIn/GitHub</c> sends the browser to GitHub with a fresh
/// <c>state</c> and PKCE challenge (kept, encrypted, in a short-lived cookie of this browser);
/// the callback checks both before the code is exchanged, then signs the user in and returns them
/// to the page they came from (a check run's details link, a report, a preview).
/// </summary>
public static class GitHubSignInEndpoints
{
    public const string StartPath = "/Account/SignIn/GitHub";
    public const string CallbackPath = "/Account/SignIn/GitHub/Callback";
    private const string FlowCookie = "codegencicd.github-signin";

    private sealed record Flow(string State, string Verifier, string ReturnUrl);

    public static IEndpointRouteBuilder MapGitHubSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(StartPath, StartAsync).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(CallbackPath, CallbackAsync).AllowAnonymous().ExcludeFromDescription()
            .RequireRateLimiting(AdminAuth.SignInRateLimit);
        return endpoints;
    }

    private static async Task<IResult> StartAsync(
        HttpContext context, GitHubOAuthClient github, IDataProtectionProvider protection, string? returnUrl)
    {
        if (await github.ClientIdAsync(context.RequestAborted) is not { } clientId)
        {
            return SignInError(
                "Sign-in with GitHub is not configured: run /setup, or set GitHub:ClientId and GitHub:ClientSecret.");
        }
        var flow = new Flow(RandomToken(), RandomToken(), LocalOnly(returnUrl));
        context.Response.Cookies.Append(FlowCookie,
            Protector(protection).Protect(JsonSerializer.Serialize(flow), TimeSpan.FromMinutes(10)), new CookieOptions
        {
            HttpOnly = true,
            // Lax: GitHub's redirect back is a top-level GET, which carries it.
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(10),
            Path = CallbackPath,
        });
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(flow.Verifier)));
        return Results.Redirect(github.AuthorizeUrl(clientId, CallbackUri(context), flow.State, challenge).AbsoluteUri);
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, GitHubOAuthClient github, GitHubUsers users,
        IDataProtectionProvider protection, IOptions<AdminOptions> admin, ILoggerFactory loggers, string? code,
        string? state, string? error)
    {
        var flow = ReadFlow(context, protection);
        context.Response.Cookies.Delete(FlowCookie, new CookieOptions { Path = CallbackPath });
        if (error is not null)
        {
            return SignInError($"GitHub did not sign you in ({error}).", flow?.ReturnUrl);
        }
        // The state must be the one this browser was given: otherwise someone else's code is being planted here.
        if (flow is null
            || state is null
            || !CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(flow.State)))
        {
            return SignInError(
                "This sign-in did not start in this browser (its state does not match); start again.", flow?.ReturnUrl);
        }
        if (string.IsNullOrEmpty(code))
        {
            return SignInError("GitHub sent no code back; start again.", flow.ReturnUrl);
        }
        try
        {
            var token = await github.ExchangeCodeAsync(
                code, flow.Verifier, CallbackUri(context), context.RequestAborted);
            var account = await github.GetUserAsync(token, context.RequestAborted);
            var stamp = await users.SignInAsync(account, token, context.RequestAborted);
            List<Claim> claims =
            [
                new(ClaimTypes.Name, account.Login),
                new(AccountClaims.GitHubId, account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new(AccountClaims.GitHubLogin, account.Login),
                new(AccountClaims.SessionStamp, stamp),
            ];
            if (admin.Value.LoginSet.Contains(account.Login))
            {
                claims.Add(new(ClaimTypes.Role, AdminAuth.Role));
            }
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
            loggers.CreateLogger(typeof(GitHubSignInEndpoints))
                .LogInformation("{Login} signed in with GitHub", account.Login);
            return Results.LocalRedirect(flow.ReturnUrl);
        }
        catch (GitHubSignInException e)
        {
            return SignInError(e.Message, flow.ReturnUrl);
        }
    }

    private static Flow? ReadFlow(HttpContext context, IDataProtectionProvider protection)
    {
        if (!context.Request.Cookies.TryGetValue(FlowCookie, out var value))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Flow>(Protector(protection).Unprotect(value));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static IResult SignInError(string message, string? returnUrl = null) =>
        Results.Redirect($"/Account/SignIn?error={Uri.EscapeDataString(message)}"
            + $"&ReturnUrl={Uri.EscapeDataString(returnUrl ?? "/")}");

    /// <summary>Only paths of this site: an open redirect after sign-in would be a phishing tool.</summary>
    public static string LocalOnly(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'))
            ? url
            : "/";

    private static Uri CallbackUri(HttpContext context) =>
        new($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{CallbackPath}");

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection) =>
        protection.CreateProtector("CodegenCicd.Accounts.GitHubSignInFlow.v1").ToTimeLimitedDataProtector();

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
