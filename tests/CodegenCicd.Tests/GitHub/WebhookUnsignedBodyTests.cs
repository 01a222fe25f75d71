using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.GitHub;

public sealed class WebhookUnsignedBodyTests
{
    [Fact]
    public async Task UnsignedRequest_IsRefusedBeforeItsBodyIsRead_SoAStrangerCostsNoMemory()
    {
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = "unsigned-body-secret" };
        factory.Settings["GitHub:WebhookSecret"] = "unsigned-body-secret";
        var client = factory.CreateAnonymousClient();
        // A body that claims 20 MiB and never sends a byte: reading it first would wait for ever.
        var neverWritten = new Pipe();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks")
        {
            Content = new StreamContent(neverWritten.Reader.AsStream()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength = 20 * 1024 * 1024;
        request.Headers.Add("X-GitHub-Event", "ping");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync()));
        await neverWritten.Writer.CompleteAsync();
    }
}
