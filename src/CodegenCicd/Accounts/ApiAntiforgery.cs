using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CodegenCicd.Accounts;

/// <summary>
/// A JSON API call that changes something and is authenticated by the sign-in cookie must carry an
/// antiforgery token (header <see cref="HeaderName"/>), so no other site can make a signed-in
/// browser press Re-run or Cancel. Razor Pages forms already check theirs; minimal APIs only check
/// form posts, and body-less POSTs have no form: this middleware covers them. Bearer
/// <c>Admin:ApiToken</c> calls are not cookie calls (a browser never adds that header by itself).
/// </summary>
public static class ApiAntiforgery
{
    public const string HeaderName = "RequestVerificationToken";

    public static IApplicationBuilder UseApiAntiforgery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (NeedsToken(context))
            {
                var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    await TypedResults.Problem(
                        "This request is signed in with the browser cookie but carries no valid antiforgery token: "
                        + $"send the {HeaderName} header (GET /api/antiforgery gives one), "
                        + "or call the API with Authorization: Bearer <Admin:ApiToken>.",
                        statusCode: StatusCodes.Status400BadRequest, title: "Antiforgery token missing or invalid")
                        .ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });

    /// <summary><c>GET /api/antiforgery</c>: a token for scripts that use the sign-in cookie.</summary>
    public static IEndpointRouteBuilder MapApiAntiforgery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return TypedResults.Ok(new { headerName = HeaderName, token = tokens.RequestToken });
        }).RequireAuthorization(AccessPolicies.SignedIn).WithTags("Status")
            .WithSummary("An antiforgery token for cookie-authenticated API calls that change something");
        return endpoints;
    }

    private static bool NeedsToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && context.User.Identity is
        {
            IsAuthenticated: true, AuthenticationType: CookieAuthenticationDefaults.AuthenticationScheme
        };
}
