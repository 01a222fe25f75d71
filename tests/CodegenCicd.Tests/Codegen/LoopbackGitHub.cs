using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CodegenCicd.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Octokit;

namespace CodegenCicd.Tests.Codegen;

/// <summary>
/// Just enough of GitHub for the fix loop's PR comment: <c>POST /repos/{o}/{r}/issues/{n}/comments</c>,
/// answered like GitHub (201 with the comment), plus an <see cref="IGitHubAppClients"/> whose Octokit client points here.
/// </summary>
public sealed class LoopbackGitHub : IAsyncDisposable, IGitHubAppClients
{
    public const string InstallationToken = "ghs_loopback_installation_token";

    private readonly WebApplication app;

    private LoopbackGitHub(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<(string Repository, int Number, string Body, string Authorization)> Comments { get; } = new();

    public ConcurrentQueue<long> InstallationsUsed { get; } = new();

    /// <summary>Method and path of every request, for failure messages.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<LoopbackGitHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var webApp = builder.Build();
        var fake = new LoopbackGitHub(webApp);
        webApp.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                fake.Requests.Enqueue($"{context.Request.Method} {context.Request.Path} → {context.Response.StatusCode}");
            }
        });
        // Octokit adds /api/v3/ to any host but api.github.com (GitHub Enterprise Server's layout).
        webApp.MapPost("/api/v3/repos/{owner}/{repo}/issues/{number:int}/comments", async (string owner, string repo, int number, HttpRequest request) =>
        {
            // Octokit labels its JSON bodies application/x-www-form-urlencoded, as GitHub tolerates; read the bytes.
            var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!["body"]!.GetValue<string>();
            fake.Comments.Enqueue(($"{owner}/{repo}", number, body, request.Headers.Authorization.ToString()));
            return Results.Json(new JsonObject
            {
                ["id"] = 1000 + fake.Comments.Count,
                ["body"] = body,
                ["html_url"] = $"https://github.com/{owner}/{repo}/pull/{number}#issuecomment-{1000 + fake.Comments.Count}",
                ["created_at"] = DateTimeOffset.UtcNow.ToString("O"),
            }, statusCode: 201);
        });
        await webApp.StartAsync();
        var address = webApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    public Task<IGitHubClient> ForInstallationAsync(long installationId, CancellationToken cancellationToken)
    {
        InstallationsUsed.Enqueue(installationId);
        return Task.FromResult<IGitHubClient>(new GitHubClient(new ProductHeaderValue("codegencicd-tests"), BaseUrl)
        {
            Credentials = new Credentials(InstallationToken),
        });
    }

    public Task<string> GetInstallationTokenAsync(long installationId, CancellationToken cancellationToken) =>
        Task.FromResult(InstallationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
