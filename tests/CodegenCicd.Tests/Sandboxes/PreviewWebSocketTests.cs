using System.Net;
using System.Net.WebSockets;
using System.Text;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>
/// WebSockets through the preview proxy need a real server (the in-memory test server cannot
/// upgrade a connection), so this app listens on Kestrel on loopback.
/// </summary>
public sealed class PreviewWebSocketTests : IDisposable
{
    private readonly AppFactory factory = new();
    private readonly Uri baseAddress;

    public PreviewWebSocketTests()
    {
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        baseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [Fact]
    public async Task Preview_WebSocketsAreForwardedBothWaysUnderTheCapabilityLink_RedirectsStayUnderThePrefix_AndNoCookieCrosses()
    {
        using var repo = new GitFixture();
        var repository = $"owner/ws-{Guid.NewGuid():N}"[..24];
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        var config = new DeployConfig { Setup = ["npm ci --offline --no-audit --no-fund"], Start = "npm start", ReadyPath = "/", TimeoutSeconds = 60 };
        var result = await deployments.DeployAsync(new SandboxSource(1, repository, 3, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>()), config, default);
        Assert.True(result.Succeeded, result.Error);
        var cookies = await SignInAsync();
        using var admin = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var capability = (await admin.GetAsync(result.PreviewPath)).Headers.Location!.OriginalString;
        Assert.Matches("^/p/[A-Za-z0-9_-]{32}/$", capability);

        // The admin's cookie goes along (it is scoped to the whole site) and must not reach the preview.
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        var echo = new UriBuilder(baseAddress) { Scheme = "ws", Path = capability + "echo" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(echo, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello preview"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal("echo: hello preview (without a cookie)", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        // Without any cookie, as the sandboxed page connects: the token is enough.
        using var anonymousSocket = new ClientWebSocket();
        await anonymousSocket.ConnectAsync(echo, timeout.Token);
        await anonymousSocket.SendAsync(Encoding.UTF8.GetBytes("from the page"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        received = await anonymousSocket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("echo: from the page (without a cookie)", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await anonymousSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        // The preview may neither move the admin off its prefix nor set cookies on this app's origin.
        var signOut = await admin.GetAsync(capability + "sign-out");
        Assert.Equal(HttpStatusCode.Found, signOut.StatusCode);
        Assert.Equal(capability, signOut.Headers.Location?.OriginalString);
        Assert.False(signOut.Headers.Contains("Set-Cookie"));
        Assert.StartsWith("sandbox", signOut.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        await deployments.TeardownAsync(repository, 3, default);
    }

    [Fact]
    public async Task WebSocket_OnTheStablePath_WithoutSignIn_IsRefused()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var echo = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/preview/owner/any/1/echo" }.Uri;

        using var noRedirects = new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = false });
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(echo, noRedirects, CancellationToken.None));

        // The sign-in challenge, as for any page: the connection is never upgraded.
        Assert.Equal(HttpStatusCode.Redirect, socket.HttpStatusCode);
        Assert.StartsWith("/Account/SignIn", socket.HttpResponseHeaders!["Location"].Single().Replace(baseAddress.GetLeftPart(UriPartial.Authority), "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private async Task<CookieContainer> SignInAsync()
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var response = await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }

    public void Dispose() => factory.Dispose();
}
