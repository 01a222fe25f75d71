using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace CodegenCicd.Hosting.Api;

/// <summary>
/// Minimal-API binding failures (a body that is not JSON, a field of the wrong type, an unknown enum
/// value, a query value that does not parse) answer <c>application/problem+json</c> whose detail says
/// what is wrong. Without this they answer a bare 400 outside Development, and a developer page with
/// a stack trace inside it. One mechanism for every endpoint: the request delegate is told to throw
/// (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/>) and the middleware turns the throw into the answer.
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
                // Binding fails before the handler runs, so nothing was saved; the reason goes back, never a stack trace.
                context.Response.Clear();
                await WriteAsync(context, e.StatusCode, Describe(e, BodyType(context)));
                return;
            }
            // Routing refuses a body of another content type before any endpoint runs, with a bare 415.
            if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !context.Response.HasStarted
                && context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                    $"Send the body as JSON (Content-Type: application/json), not '{context.Request.ContentType}'.");
            }
        });

    /// <summary>The reason in the user's terms: the JSON error with its path and line, or the binding message.</summary>
    private static string Describe(BadHttpRequestException exception, Type? bodyType) =>
        exception.InnerException is JsonException json ? JsonProblem.Describe(json, bodyType) : exception.Message;

    private static Type? BodyType(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    private static Task WriteAsync(HttpContext context, int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: Title(status)).ExecuteAsync(context);

    private static string Title(int status) => status switch
    {
        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        _ => "The request is not valid",
    };
}
