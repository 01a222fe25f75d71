using System.Security.Claims;
using System.Threading.RateLimiting;
using CodegenCicd.Hosting.Api;
using CodegenCicd.Hosting.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace CodegenCicd.Accounts;

public static class AdminAuth
{
    public const string Policy = AdminPolicy.Name;
    public const string Role = "admin";
    public const string Scheme = "Admin";
    public const string ApiTokenScheme = "ApiToken";
    public const string SignInRateLimit = "sign-in";

    /// <summary>
    /// Cookie sign-in for pages and the Hangfire dashboard, bearer <c>Admin:ApiToken</c> for scripts.
    /// Every endpoint requires the admin unless it opts out (the fallback policy): secure by default.
    /// </summary>
    public static IHostApplicationBuilder AddAdminSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigSection<AdminOptions>();
        builder.Services.AddScoped<AdminCredentials>();
        builder.Services.AddHostedService<SetupCodeAnnouncer>();

        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Admin cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString()
                    .StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenScheme, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = "codegencicd.admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/Account/SignIn";
                o.AccessDeniedPath = "/Account/SignIn";
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                // Scripts get a status code, not an HTML redirect.
                o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied =
                    context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = RejectStalePasswordStamp;
            });

        var admin = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Role).Build();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, admin)
            .AddAccessPolicies()
            .SetFallbackPolicy(admin);

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Password guesses and GitHub's callbacks (codes to exchange) are what is limited: showing the form (GET)
            // costs nothing.
            // The key is the client's address: behind a configured proxy, the one it forwards (ForwardedClientAddress).
            o.AddPolicy(SignInRateLimit, context => HttpMethods.IsPost(context.Request.Method)
                    || context.Request.Path.Equals(
                        GitHubSignInEndpoints.CallbackPath, StringComparison.OrdinalIgnoreCase)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) })
                : RateLimitPartition.GetNoLimiter("form"));
            o.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await rejected.HttpContext.Response.WriteAsync(
                    "Too many sign-in attempts from this address: wait a minute, then try again.", cancellationToken);
            };
        });
        return builder;
    }

    public const string PasswordStampClaim = "codegencicd:password-stamp";

    /// <summary>
    /// Signs the admin in with the current password stamp (see <see cref="AdminCredentials.GetPasswordStampAsync"/>).
    /// </summary>
    public static async Task SignInAdminAsync(
        this HttpContext context, AdminCredentials credentials, CancellationToken cancellationToken)
    {
        var stamp = await credentials.GetPasswordStampAsync(cancellationToken);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, Role),
                    new Claim(PasswordStampClaim, stamp)
                ],
                CookieAuthenticationDefaults.AuthenticationScheme)));
    }

    /// <summary>A cookie issued before the password last changed no longer signs anyone in.</summary>
    private static async Task RejectStalePasswordStamp(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.GitHubUserId() is not null)
        {
            await GitHubSessions.ValidateAsync(context);
            return;
        }
        var credentials = context.HttpContext.RequestServices.GetRequiredService<AdminCredentials>();
        var current = await credentials.GetPasswordStampAsync(context.HttpContext.RequestAborted);
        if (context.Principal?.FindFirst(PasswordStampClaim)?.Value != current)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }
}
