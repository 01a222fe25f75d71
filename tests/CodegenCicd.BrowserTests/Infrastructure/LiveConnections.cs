using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CodegenCicd.BrowserTests.Infrastructure;

/// <summary>
/// Test-host middleware that remembers open <c>/api/events</c> connections so a test can cut them,
/// as a network drop or a proxy timeout would.
/// </summary>
public sealed class LiveConnections : IStartupFilter
{
    private readonly ConcurrentDictionary<HttpContext, byte> open = new();

    public int Count => open.Count;

    public void DropAll()
    {
        foreach (var context in open.Keys)
        {
            context.Abort();
        }
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api/events"))
            {
                await nextMiddleware(context);
                return;
            }
            open[context] = 0;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                open.TryRemove(context, out _);
            }
        });
        next(app);
    };
}
