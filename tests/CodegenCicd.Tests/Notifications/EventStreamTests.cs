using System.Net;
using System.Text.Json;
using CodegenCicd.Notifications;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Notifications;

public sealed class EventStreamTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Stream_SaysReadyWithRetryHint_ThenDeliversPublishedEvents()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var client = factory.CreateApiClient();
        using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var ready = await ReadEventAsync(reader, timeout.Token);
        factory.Services.GetRequiredService<LiveEvents>().Publish("stage.updated", new { projectId = 7, runId = 3, stage = "deploy", status = "success" });
        var update = await ReadEventAsync(reader, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("ready", ready["event"]);
        Assert.Equal("3000", ready["retry"]);
        Assert.False(update.ContainsKey("event"));
        using var data = JsonDocument.Parse(update["data"]);
        Assert.Equal("stage.updated", data.RootElement.GetProperty("type").GetString());
        Assert.Equal("success", data.RootElement.GetProperty("data").GetProperty("status").GetString());
    }

    [Fact]
    public async Task PinningAProject_IsAnnouncedOnTheStream()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var id = await Projects.ProjectSeed.AddAsync(factory, "acme/events-pin");
        var client = factory.CreateApiClient();
        using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        await ReadEventAsync(reader, timeout.Token);

        await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/api/projects", new { repository = "acme/events-pin" }, timeout.Token);
        Dictionary<string, string> update;
        do
        {
            update = await ReadEventAsync(reader, timeout.Token);
        }
        while (!update["data"].Contains("project.updated", StringComparison.Ordinal));

        using var data = JsonDocument.Parse(update["data"]);
        Assert.Equal(id, data.RootElement.GetProperty("data").GetProperty("projectId").GetInt32());
    }

    /// <summary>Reads one server-sent event (fields up to the blank line).</summary>
    private static async Task<Dictionary<string, string>> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (fields.Count > 0)
                {
                    return fields;
                }
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields[line[..colon]] = line[(colon + 1)..].TrimStart();
        }
        throw new EndOfStreamException("The event stream ended.");
    }
}
