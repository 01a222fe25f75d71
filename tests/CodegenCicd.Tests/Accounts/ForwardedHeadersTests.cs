using System.Net;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Accounts;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address: the sign-in rate limit must
/// count the clients it forwards (X-Forwarded-For), but only when the proxy is one the operator listed
/// (ForwardedHeaders:KnownProxies / KnownNetworks); anyone else could send the header to dodge the limit.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Proxy = "10.0.0.5";

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", Proxy)]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/24")]
    public async Task BehindAConfiguredProxy_TheSignInLimit_CountsEachForwardedClient(string key, string value)
    {
        using var factory = new AppFactory();
        factory.Settings[key] = value;
        await using var app = WithPeerAddresses(factory);
        var guesser = Client(app, peer: Proxy, forwardedFor: "203.0.113.7");
        var colleague = Client(app, peer: Proxy, forwardedFor: "198.51.100.20");

        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await WrongPasswordAsync(guesser)).StatusCode);
        }
        var limited = await WrongPasswordAsync(guesser);
        var signIn = await Forms.PostAsync(colleague, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        // Another client behind the same proxy is not locked out by the first one's guesses.
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [Fact]
    public async Task FromAnAddressThatIsNoConfiguredProxy_XForwardedForIsIgnored_AndTheLimitCountsTheSender()
    {
        using var factory = new AppFactory();
        factory.Settings["ForwardedHeaders:KnownProxies"] = Proxy;
        await using var app = WithPeerAddresses(factory);

        // One sender pretends to be ten different clients: all ten guesses count against its own address.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var pretender = Client(app, peer: "192.0.2.9", forwardedFor: $"203.0.113.{attempt + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await WrongPasswordAsync(pretender)).StatusCode);
        }
        var eleventh = await WrongPasswordAsync(Client(app, peer: "192.0.2.9", forwardedFor: "203.0.113.99"));
        var someoneElse = await WrongPasswordAsync(Client(app, peer: "192.0.2.10", forwardedFor: "203.0.113.99"));

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, someoneElse.StatusCode);
    }

    [Fact]
    public async Task WithoutAnyConfiguredProxy_TheHeaderIsIgnored()
    {
        using var factory = new AppFactory();
        await using var app = WithPeerAddresses(factory);

        for (var attempt = 0; attempt < 10; attempt++)
        {
            await WrongPasswordAsync(Client(app, peer: Proxy, forwardedFor: $"203.0.113.{attempt + 1}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await WrongPasswordAsync(Client(app, peer: Proxy, forwardedFor: "203.0.113.50"))).StatusCode);
    }

    [Fact]
    public async Task GitHubCallbacks_CountTowardsTheLimit_PerForwardedClient()
    {
        using var factory = new AppFactory();
        factory.Settings["ForwardedHeaders:KnownProxies"] = Proxy;
        await using var app = WithPeerAddresses(factory);
        var client = Client(app, peer: Proxy, forwardedFor: "203.0.113.7");

        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync("/Account/SignIn/GitHub/Callback?code=x&state=y")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/Account/SignIn/GitHub/Callback?code=x&state=y")).StatusCode);
        var other = Client(app, peer: Proxy, forwardedFor: "198.51.100.20");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.GetAsync("/Account/SignIn/GitHub/Callback?code=x&state=y")).StatusCode);
    }

    private static Task<HttpResponseMessage> WrongPasswordAsync(HttpClient client) =>
        Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = "wrong password" });

    private static HttpClient Client(WebApplicationFactory<Program> app, string peer, string forwardedFor)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(PeerHeader, peer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    private const string PeerHeader = "X-Test-Peer-Address";

    /// <summary>
    /// The test server has no network connection: a filter in front of the app's pipeline gives each
    /// request the peer address a real connection would have (the proxy's, or a client's).
    /// </summary>
    private static WebApplicationFactory<Program> WithPeerAddresses(AppFactory factory) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IStartupFilter>(new PeerAddressFilter())));

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                    context.Request.Headers.Remove(PeerHeader);
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
