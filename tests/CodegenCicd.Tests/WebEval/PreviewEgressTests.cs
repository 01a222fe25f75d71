using System.Net;
using System.Net.Sockets;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodegenCicd.Tests.WebEval;

/// <summary>
/// A hostile preview makes the browser reach for other loopback services and the metadata service,
/// directly, through a redirect, by hostname and over a WebSocket: none of it gets out, and the page still evaluates.
/// </summary>
[Collection(SharedBrowserCollection.Name)]
public sealed class PreviewEgressTests(SharedBrowserFixture fixture)
{
    [Fact]
    public async Task RequestsToLoopbackAndLinkLocal_AreBlockedAndReported_AndTheListenerReceivesNothing()
    {
        Chromium.Require();
        using var victim = new TcpListener(IPAddress.Loopback, 0);
        victim.Start();
        var victimPort = ((IPEndPoint)victim.LocalEndpoint).Port;
        var victimUrl = $"http://127.0.0.1:{victimPort}";
        var app = LoopbackServer.Create();
        app.MapGet("/", () => Results.Content($$"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Hostile</title></head><body>
            <h1 id="done">Hostile preview</h1>
            <img src="{{victimUrl}}/img.png" alt="">
            <iframe src="http://169.254.169.254/latest/meta-data/"></iframe>
            <script>
              fetch('{{victimUrl}}/steal').catch(() => {});
              fetch('/redirect').catch(() => {});
              fetch('http://localhost:{{victimPort}}/by-name').catch(() => {});
              try { new WebSocket('ws://127.0.0.1:{{victimPort}}/ws'); } catch (e) {}
            </script></body></html>
            """, "text/html"));
        app.MapGet("/redirect", () => Results.Redirect($"{victimUrl}/redirected"));
        var preview = await LoopbackServer.StartAsync(app);
        await using var _ = app;
        await using var harness = WebEvalHarness.Create(sharedBrowser: fixture.Browser);

        var (_, report, _) = await harness.EvaluateAsync(preview, new WebEvalConfig
        {
            Pages = ["/"],
            Expect = new Dictionary<string, IReadOnlyList<PageExpectation>> { ["/"] = [new() { Selector = "#done" }] },
        });

        var page = Assert.Single(report.Pages);
        Assert.Null(report.Error);
        Assert.Equal(200, page.Status);
        Assert.True(page.Expectations.Single().Met);
        // The page was evaluated, and what it tried is in its report as blocked.
        Assert.Contains(page.FailedRequests, r => r.Url.StartsWith(victimUrl, StringComparison.Ordinal)
            && r.Failure is { } f && f.StartsWith("blocked: 127.0.0.1 is a loopback address", StringComparison.Ordinal));
        Assert.Contains(page.FailedRequests, r => r.Url.StartsWith("http://169.254.169.254/", StringComparison.Ordinal)
            && r.Failure is { } f && f.Contains("link-local", StringComparison.Ordinal));
        // The listener never saw a connection: not directly, not through the redirect, the name or the WebSocket.
        Assert.False(victim.Pending(), "the loopback listener received a connection");
    }
}
