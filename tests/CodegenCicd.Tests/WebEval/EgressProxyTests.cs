using System.Net;
using System.Net.Sockets;
using CodegenCicd.WebEval.Browser;

namespace CodegenCicd.Tests.WebEval;

/// <summary>The evaluation's proxy on its own, driven by a plain HTTP client as Chromium would drive it.</summary>
public sealed class EgressProxyTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.1.2.3", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.31.0.1", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("0.0.0.0", "this host")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00::1", "unique local")]
    public void ForbiddenAddresses_AreClassified(string address, string kind) =>
        Assert.Contains(kind, PrivateAddresses.Classify(IPAddress.Parse(address)), StringComparison.Ordinal);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    public void PublicAddresses_AreAllowed(string address) => Assert.Null(PrivateAddresses.Classify(IPAddress.Parse(address)));

    [Fact]
    public async Task ThePreviewOrigin_IsServed_WhileAnotherLoopbackPortAndAHostnameOnLoopback_AreRefused()
    {
        using var victim = new TcpListener(IPAddress.Loopback, 0);
        victim.Start();
        var victimPort = ((IPEndPoint)victim.LocalEndpoint).Port;
        await using var site = await TestSite.StartAsync();
        await using var proxy = new EgressProxy(site.BaseUrl);
        using var client = new HttpClient(new HttpClientHandler { Proxy = new WebProxy(proxy.Address), UseProxy = true });

        var home = await client.GetAsync(site.BaseUrl);
        var direct = await client.GetAsync($"http://127.0.0.1:{victimPort}/");
        var byName = await client.GetAsync($"http://localhost:{victimPort}/");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"https://127.0.0.1:{victimPort}/"));

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byName.StatusCode);
        Assert.Contains("loopback", await byName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(proxy.BlockedReason(new Uri($"http://127.0.0.1:{victimPort}/x")));
        Assert.Null(proxy.BlockedReason(site.BaseUrl));
        Assert.False(victim.Pending());
    }
}
