using CodegenCicd.Hosting.Admin;

namespace CodegenCicd.Notifications;

public static class NotificationsExtensions
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveEvents>();
        return builder;
    }

    /// <summary><c>GET /api/events</c>: the one live stream every page subscribes to.</summary>
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/events", (LiveEvents live, TimeProvider time, CancellationToken cancellationToken) =>
                TypedResults.ServerSentEvents(LiveEventStream.ReadAsync(live, time, cancellationToken)))
            .RequireAuthorization(AdminAuth.Policy)
            .WithTags("Live updates")
            .WithSummary("Server-sent events: ready (with retry hint), one message per update {type, data, at}, heartbeat");
        return endpoints;
    }
}
