using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.WebEval;

/// <summary>
/// The app under evaluation: a Kestrel server on loopback with one page per behaviour the web
/// evaluation must tell apart (healthy, throwing, failing API, never loading, redirect loop…).
/// </summary>
public sealed class TestSite : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();

    private TestSite(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Runs when /kill-browser is requested (the crash test kills Chromium from there).</summary>
    public Func<Task>? OnKillBrowser { get; set; }

    /// <summary>Form posts to /signup, in order (the agent tests check what the agent entered).</summary>
    public List<(string Email, string Plan)> SignUps { get; } = [];

    public static async Task<TestSite> StartAsync()
    {
        var site = new TestSite(LoopbackServer.Create());
        site.Map();
        site.BaseUrl = await LoopbackServer.StartAsync(site.app);
        return site;
    }

    private static IResult Html(string title, string body) =>
        Results.Content($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>{body}</body></html>", "text/html");

    private void Map()
    {
        app.MapGet("/", () => Html("Home", """
            <h1 id="welcome">Welcome</h1><p>All is well.</p>
            <a href="/about">About</a> <a href="/about#team">Team</a> <a href="https://example.invalid/elsewhere">Elsewhere</a>
            """));
        app.MapGet("/about", () => Html("About", "<h1>About us</h1><a href=\"/\">Home</a> <a href=\"/gone\">Old page</a>"));
        app.MapGet("/throws", () => Html("Throws", """
            <h1>Broken</h1>
            <script>
            function render() { const settings = undefined; return settings.theme; }
            render();
            </script>
            """));
        app.MapGet("/console", () => Html("Console", "<h1>Noisy</h1><script>console.error('Widget failed to mount: #chart missing');</script>"));
        app.MapGet("/api-fails", () => Html("Items", """
            <h1>Items</h1><ul id="items"></ul>
            <script>fetch('/api/items').then(r => r.ok ? r.json() : null); fetch('/api/cart');</script>
            """));
        app.MapGet("/api/items", () => Results.Problem("database is down", statusCode: 500));
        app.MapGet("/api/cart", () => Results.StatusCode(503)); // an empty error body nobody reads
        app.MapGet("/hangs", () => Html("Hangs", "<h1>Loading…</h1><img src=\"/never\" alt=\"never\">"));
        app.MapGet("/never", async (HttpContext context) =>
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
            await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(504);
        });
        app.MapGet("/loop", () => Results.Redirect("/loop-again"));
        app.MapGet("/loop-again", () => Results.Redirect("/loop"));
        app.MapGet("/kill-browser", async () =>
        {
            if (OnKillBrowser is { } kill)
            {
                await kill();
            }
            return Html("Killed", "<h1>The browser was killed while loading this</h1>");
        });
        app.MapGet("/signup", () => Html("Sign up", """
            <h1>Sign up</h1>
            <form method="post" action="/signup">
              <label for="email">Email</label> <input id="email" name="email" type="email">
              <label for="plan">Plan</label>
              <select id="plan" name="plan"><option value="free">Free</option><option value="pro">Professional</option></select>
              <button type="submit">Create account</button>
            </form>
            """));
        app.MapPost("/signup", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            lock (SignUps)
            {
                SignUps.Add((form["email"].ToString(), form["plan"].ToString()));
            }
            return Html("Dashboard", $"<h1>Dashboard</h1><p>Signed in as {System.Net.WebUtility.HtmlEncode(form["email"])}</p>");
        });
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
