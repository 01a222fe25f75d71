using System.Net;
using System.Text.Json.Nodes;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.WebEval;
using CodegenCicd.WebEval.Agent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Tests.WebEval;

/// <summary>
/// What Gemini may answer besides a good reply: each is either a refusal with Google's reason (the stage
/// ends in error and says why) or a malformed reply the agent may ask again about, never a crash.
/// </summary>
public sealed class GeminiClientTests
{
    [Theory]
    [InlineData("[1,2]", "the reply is not a JSON object")]
    [InlineData("not json", "the reply is not a JSON object")]
    [InlineData("""{"candidates":[]}""", "the reply has no candidates")]
    [InlineData("""{"candidates":[{"finishReason":"MAX_TOKENS"}]}""", "the candidate has no content parts (finishReason MAX_TOKENS)")]
    [InlineData("""{"candidates":[{"content":{"parts":[{"functionCall":{"args":{}}}]}}]}""", "a functionCall has no name")]
    [InlineData("""{"candidates":[{"content":{"parts":[{"functionCall":{"name":"click","args":[1]}}]}}]}""",
        "the arguments of click are not an object")]
    public void MalformedReplies_AreReportedAsProblems_NotThrown(string body, string problem)
    {
        var reply = GeminiClient.Parse(body);

        Assert.Equal(problem, reply.Problem);
        Assert.Empty(reply.Calls);
    }

    [Theory]
    [InlineData("""{"promptFeedback":{"blockReason":"SAFETY"}}""", "Gemini blocked the prompt (SAFETY)")]
    [InlineData("""{"candidates":[{"finishReason":"RECITATION"}]}""", "Gemini declined to answer (finishReason RECITATION)")]
    public void RefusedPrompts_AreRefusals(string body, string reason)
    {
        var refused = Assert.Throws<GeminiRefusedException>(() => GeminiClient.Parse(body));

        Assert.Equal(reason, refused.Message);
    }

    [Fact]
    public void AReply_KeepsItsCalls_AndItsVisibleText_ButNotItsThoughts()
    {
        var reply = GeminiClient.Parse("""
            {"candidates":[{"content":{"role":"model","parts":[
              {"text":"private musing","thought":true},
              {"text":"I will open the form."},
              {"functionCall":{"name":"navigate"}},
              {"functionCall":{"name":"click","args":{"selector":"#send"}}}]}}]}
            """);

        Assert.Null(reply.Problem);
        Assert.Equal("I will open the form.", reply.Text);
        Assert.Equal(["navigate", "click"], reply.Calls.Select(c => c.Name));
        Assert.Empty(reply.Calls[0].Arguments);
        Assert.Equal("#send", reply.Calls[1].Arguments["selector"]!.GetValue<string>());
    }

    [Fact]
    public async Task GooglesErrorShape_IsQuoted_AndOtherBodiesAreCut()
    {
        var server = LoopbackServer.Create();
        var answers = new Queue<IResult>([
            Results.Json(new { error = new { code = 429, message = "Quota exceeded.", status = "RESOURCE_EXHAUSTED" } },
                statusCode: 400),
            Results.Text(new string('x', 400), statusCode: 400),
        ]);
        string? apiKey = null;
        server.MapPost("/v1beta/models/{model}:generateContent", (HttpContext context) =>
        {
            apiKey = context.Request.Headers["x-goog-api-key"];
            return answers.Dequeue();
        });
        await using var _ = server;
        var client = Client(await LoopbackServer.StartAsync(server));

        var quoted = await Assert.ThrowsAsync<GeminiRefusedException>(() => client.GenerateAsync([], CancellationToken.None));
        var cut = await Assert.ThrowsAsync<GeminiRefusedException>(() => client.GenerateAsync([], CancellationToken.None));

        Assert.Equal("Gemini answered 400 Bad Request: RESOURCE_EXHAUSTED Quota exceeded.", quoted.Message);
        Assert.EndsWith(new string('x', 300) + "…", cut.Message, StringComparison.Ordinal);
        Assert.Equal("test-key", apiKey);
    }

    [Fact]
    public async Task GeminiUnreachable_IsARefusalNamingIt()
    {
        var server = LoopbackServer.Create();
        var address = await LoopbackServer.StartAsync(server);
        await server.DisposeAsync(); // the port is closed now
        var client = Client(address);

        var refused = await Assert.ThrowsAsync<GeminiRefusedException>(() => client.GenerateAsync([], CancellationToken.None));

        Assert.StartsWith("Gemini could not be reached:", refused.Message, StringComparison.Ordinal);
    }

    private static GeminiClient Client(Uri baseAddress) =>
        new(new HttpClient { BaseAddress = baseAddress },
            Options.Create(new GeminiOptions { ApiKey = "test-key", ApiUrl = baseAddress }));
}
