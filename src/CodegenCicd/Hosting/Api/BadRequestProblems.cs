using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace CodegenCicd.Hosting.Api;

/// <summary>
/// Every error on <c>/api</c> answers <c>application/problem+json</c> with a reason. Minimal-API binding failures (a
/// body that is not JSON, a field of the wrong type, an unknown enum value, a query value that does not parse) answer
/// <c>application/problem+json</c> whose detail says what is wrong. Without this they answer a bare 400 outside
/// Development, and a developer page with a stack trace inside it. One mechanism for every endpoint: the request
/// delegate is told to throw (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/>) and the middleware turns the throw
/// into the answer.
/// </summary>
public static class BadRequestProblems
{
    public static IHostApplicationBuilder AddBadRequestProblems(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    public static IApplicationBuilder UseBadRequestProblems(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // Binding fails before the handler runs, so nothing was saved; the reason goes back, never
                // a stack trace.
                context.Response.Clear();
                await WriteAsync(context, e.StatusCode, Describe(e, BodyType(context)));
                return;
            }
            // Bare error statuses on /api (routing's 415, the sign-in's 401, a NotFound() result) get
            // a problem body too, so a script always learns what went wrong.
            if (context.Response.StatusCode >= 400 && !context.Response.HasStarted
                && context.Response.ContentType is null
                && context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await WriteAsync(context, context.Response.StatusCode, BareStatusDetail(context));
            }
        });

    private static string BareStatusDetail(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status401Unauthorized => "Sign in, or send Authorization: Bearer <Admin:ApiToken>.",
        StatusCodes.Status403Forbidden => "This account may not do that.",
        StatusCodes.Status404NotFound => $"Nothing at {context.Request.Path} (or no such id).",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
        StatusCodes.Status415UnsupportedMediaType =>
            $"Send the body as JSON (Content-Type: application/json), not '{context.Request.ContentType}'.",
        StatusCodes.Status429TooManyRequests => "Too many requests; wait a moment and try again.",
        _ => $"The request failed with status {context.Response.StatusCode}.",
    };

    /// <summary>
    /// The reason in the user's terms: the JSON error with its path and line, or the binding message.
    /// </summary>
    private static string Describe(BadHttpRequestException exception, Type? bodyType) =>
        exception.InnerException is JsonException json ? JsonProblem.Describe(json, bodyType) : exception.Message;

    private static Type? BodyType(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    private static Task WriteAsync(HttpContext context, int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: Title(status)).ExecuteAsync(context);

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid",
        StatusCodes.Status401Unauthorized => "Not signed in",
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status405MethodNotAllowed => "Method not allowed",
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        _ => "The request failed",
    };
}
