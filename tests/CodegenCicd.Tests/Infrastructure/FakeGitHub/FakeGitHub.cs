using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodegenCicd.Tests.Infrastructure.FakeGitHub;

/// <summary>
/// An in-process GitHub on loopback: a real Kestrel server that answers like the REST API
/// (REFERENCE.md) and checks what it receives — the App JWT's signature and claims on /app/*,
/// a live installation token everywhere else. Endpoints are grouped by area in partial files
/// (FakeGitHub.App.cs, FakeGitHub.Checks.cs, …); each area maps itself in its Map* method.
/// </summary>
public sealed partial class FakeGitHub : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeGitHub(WebApplication app) => this.app = app;

    public long AppId { get; } = 424242;

    /// <summary>The App's key pair: the app under test signs with <see cref="PrivateKeyPem"/>.</summary>
    public RSA Key { get; } = RSA.Create(2048);

    public string PrivateKeyPem => Key.ExportRSAPrivateKeyPem();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request received, in order, with its body (for assertions).</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers queued for a path prefix, served before the normal handler (e.g. a 403 secondary rate limit).</summary>
    public ConcurrentQueue<(string Method, string PathPrefix, Func<HttpContext, Task> Respond)> Overrides { get; } = new();

    public static async Task<FakeGitHub> StartAsync()
    {
        var webApp = LoopbackServer.Create();
        var fake = new FakeGitHub(webApp);
        fake.Configure(webApp);
        fake.BaseUrl = await LoopbackServer.StartAsync(webApp);
        return fake;
    }

    private void Configure(WebApplication webApp)
    {
        webApp.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString(), body));
            if (await TryServeInjectedFailureAsync(context, next))
            {
                return;
            }
            foreach (var candidate in Overrides)
            {
                if (candidate.Method == context.Request.Method && context.Request.Path.StartsWithSegments(candidate.PathPrefix)
                    && TryDequeueOverride(candidate))
                {
                    await candidate.Respond(context);
                    return;
                }
            }
            await next(context);
        });
        MapAppEndpoints(webApp);
        MapRepositoryEndpoints(webApp);
        MapCheckEndpoints(webApp);
        MapPullRequestEndpoints(webApp);
        MapStatusEndpoints(webApp);
        MapOAuthEndpoints(webApp);
    }

    private bool TryDequeueOverride((string, string, Func<HttpContext, Task>) candidate)
    {
        // Overrides are one-shot; take the first matching one out of the queue.
        var kept = new List<(string, string, Func<HttpContext, Task>)>();
        var taken = false;
        while (Overrides.TryDequeue(out var item))
        {
            if (!taken && item == candidate)
            {
                taken = true;
                continue;
            }
            kept.Add(item);
        }
        foreach (var item in kept)
        {
            Overrides.Enqueue(item);
        }
        return taken;
    }

    /// <summary>/app, /app/installations, access tokens, /installation/repositories, manifest conversions.</summary>
    partial void MapAppEndpoints(WebApplication webApp);

    /// <summary>/repos/{owner}/{repo}: repository, contents, branches, labels.</summary>
    partial void MapRepositoryEndpoints(WebApplication webApp);

    /// <summary>/repos/{owner}/{repo}/check-runs.</summary>
    partial void MapCheckEndpoints(WebApplication webApp);

    /// <summary>/repos/{owner}/{repo}/pulls: get, merge, update-branch, comments.</summary>
    partial void MapPullRequestEndpoints(WebApplication webApp);

    /// <summary>/login/oauth/authorize, /login/oauth/access_token, /user: sign-in with GitHub.</summary>
    partial void MapOAuthEndpoints(WebApplication webApp);

    /// <summary>/repos/{owner}/{repo}/commits/{ref}/statuses: commit statuses.</summary>
    partial void MapStatusEndpoints(WebApplication webApp);

    /// <summary>GitHub's error shape: <c>{"message": …, "documentation_url": …}</c>.</summary>
    public static IResult Error(int status, string message) =>
        Results.Json(new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Key.Dispose();
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, string Authorization, string Body);
