using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;

namespace CodegenCicd.Tests.Accounts;

/// <summary>
/// The app with the fake GitHub as both web and API host and the App's OAuth client configured;
/// two pinned projects with runs, and people whose permissions differ: rita reads acme/app, walt
/// writes to it, ada administers it, nobody but app-wide admins sees acme/hidden; boss is in Admin:Logins.
/// </summary>
public sealed class SignInApp : IAsyncDisposable
{
    public const string App = "acme/app";
    public const string Hidden = "acme/hidden";

    private SignInApp(Infrastructure.FakeGitHub.FakeGitHub github, GitHubAppFactory factory)
    {
        GitHub = github;
        Factory = factory;
    }

    public Infrastructure.FakeGitHub.FakeGitHub GitHub { get; }

    public GitHubAppFactory Factory { get; }

    public int AppProject { get; private set; }

    public int HiddenProject { get; private set; }

    public long FinishedRun { get; private set; }

    public long RunningRun { get; private set; }

    public long HiddenRun { get; private set; }

    public static async Task<SignInApp> StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var github = await Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        var factory = new GitHubAppFactory(github);
        factory.Settings["GitHub:WebUrl"] = github.BaseUrl.ToString();
        factory.Settings["GitHub:ClientId"] = github.OAuthClientId;
        factory.Settings["GitHub:ClientSecret"] = github.OAuthClientSecret;
        factory.Settings["Admin:Logins"] = "boss";
        configure?.Invoke(factory.Settings);
        var app = new SignInApp(github, factory);
        github.UserPermissions[(App, "rita")] = "read";
        github.UserPermissions[(App, "walt")] = "write";
        github.UserPermissions[(App, "ada")] = "admin";
        app.AppProject = await ProjectSeed.AddAsync(factory, App, pinned: true);
        app.HiddenProject = await ProjectSeed.AddAsync(factory, Hidden, pinned: true);
        (StageKind, StageStatus, StageConclusion?)[] done = [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success)];
        (StageKind, StageStatus, StageConclusion?)[] going = [(StageKind.Analysis, StageStatus.InProgress, null)];
        app.FinishedRun = await ActivitySeed.AddRunAsync(factory, app.AppProject, 3, RunStatus.Failed, done);
        app.RunningRun = await ActivitySeed.AddRunAsync(factory, app.AppProject, 4, RunStatus.Running, going);
        app.HiddenRun = await ActivitySeed.AddRunAsync(factory, app.HiddenProject, 9, RunStatus.Failed, done);
        return app;
    }

    /// <summary>A browser signed in with GitHub as <paramref name="login"/> (the whole flow, through the fake GitHub).</summary>
    public async Task<HttpClient> SignedInAsAsync(string login)
    {
        var client = Factory.CreateAnonymousClient();
        var landed = await SignInWithGitHubAsync(client, login, "/");
        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/", landed.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>
    /// Starts at /Account/SignIn/GitHub, lets the fake GitHub sign <paramref name="login"/> in and
    /// redirect back, and returns the app's answer to the callback.
    /// </summary>
    public async Task<HttpResponseMessage> SignInWithGitHubAsync(HttpClient client, string login, string returnUrl)
    {
        var callback = await AuthorizeAtGitHubAsync(client, login, returnUrl);
        return await client.GetAsync(callback.PathAndQuery);
    }

    /// <summary>The first two legs: the app sends the browser to GitHub, GitHub sends it back; returns the callback URL.</summary>
    public async Task<Uri> AuthorizeAtGitHubAsync(HttpClient client, string login, string returnUrl)
    {
        var start = await client.GetAsync($"/Account/SignIn/GitHub?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(GitHub.BaseUrl + "login/oauth/authorize", authorize.AbsoluteUri, StringComparison.Ordinal);
        GitHub.NextSignIn = login;
        using var atGitHub = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var back = await atGitHub.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        return back.Headers.Location!;
    }

    /// <summary>Sends a request as a cookie-authenticated script would, with the antiforgery header from GET /api/antiforgery.</summary>
    public static async Task<HttpResponseMessage> SendWithTokenAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        var token = await client.GetFromJsonAsync<JsonElement>("/api/antiforgery");
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return await client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await GitHub.DisposeAsync();
    }
}
