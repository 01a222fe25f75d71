using CodegenCicd.Accounts;

namespace CodegenCicd.Notifications;

public static class NotificationsExtensions
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveEvents>();
        // Several nodes share PostgreSQL: their events travel through it. SQLite means one process:
        // in-process is all there is.
        if (string.Equals(builder.Configuration[$"{Data.DatabaseOptions.SectionName}:Provider"],
            nameof(Data.DatabaseProvider.PostgreSql), StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddHostedService<PostgresLiveEventRelay>();
        }
        return builder;
    }

    /// <summary>
    /// <c>GET /api/events</c>: the one live stream every page subscribes to; each person hears the
    /// events of what they may see (<see cref="LiveEventAccess"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/events",
            (LiveEvents live, TimeProvider time, IHostApplicationLifetime lifetime, HttpContext context) =>
            {
                // Streams end when the app stops, so shutdown does not wait on open pages (they reconnect
                // to the next instance).
                var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted,
                    lifetime.ApplicationStopping);
                context.Response.RegisterForDispose(stopping);
                var audience = new LiveEventAccess(context, time);
                return TypedResults.ServerSentEvents(
                    LiveEventStream.ReadAsync(live, time, audience.MayReceiveAsync, stopping.Token));
            })
            .RequireAuthorization(AccessPolicies.SignedIn)
            .WithTags("Live updates")
            .WithSummary("Server-sent events: ready (with retry hint), "
                + "one message per update {type, data, at}, heartbeat");
        return endpoints;
    }
}
