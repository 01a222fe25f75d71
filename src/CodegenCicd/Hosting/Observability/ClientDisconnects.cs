using Microsoft.AspNetCore.Connections;

namespace CodegenCicd.Hosting.Observability;

/// <summary>
/// A client that goes away mid-request (a closed tab, a curl interrupted, a proxy timing out) is not a
/// server error. The handler's awaits then throw <see cref="OperationCanceledException"/> (the request's
/// <c>RequestAborted</c> token fired) or Kestrel's <see cref="ConnectionResetException"/>; without this they
/// reached the host as unhandled and were logged as a 500 with a stack trace. Here they end the request as
/// 499 (nginx's "client closed request"), logged once at Information, without a stack trace.
/// </summary>
public static partial class ClientDisconnects
{
    /// <summary>nginx's status for a request the client closed before the answer was complete.</summary>
    public const int Status499ClientClosedRequest = 499;

    private static readonly object Marker = new();

    public static IApplicationBuilder UseClientDisconnects(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>()
            .CreateLogger(typeof(ClientDisconnects));
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (IsDisconnect(e, context))
            {
                context.Items[Marker] = true;
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = Status499ClientClosedRequest;
                }
                LogClientClosed(logger, context.Request.Method, context.Request.Path.Value ?? "/", e.GetType().Name);
            }
        });
    }

    /// <summary>True when the request ended because its client left (the request log then shows 499).</summary>
    public static bool WasClosedByClient(HttpContext context) => context.Items.ContainsKey(Marker);

    private static bool IsDisconnect(Exception exception, HttpContext context) => exception switch
    {
        ConnectionResetException => true,
        OperationCanceledException or IOException => context.RequestAborted.IsCancellationRequested,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The client closed the request {Method} {Path} before the answer was complete ({Exception})")]
    private static partial void LogClientClosed(ILogger logger, string method, string path, string exception);
}
