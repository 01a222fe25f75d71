using System.Net;
using System.Text.Json;
using CodegenCicd.Notifications;
using CodegenCicd.Tests.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Notifications;

/// <summary>
/// The live event stream carries, for someone signed in with GitHub, only the events of projects
/// and repositories they may read; app-wide events (webhook deliveries) reach app-wide admins only.
/// </summary>
public sealed class EventAccessTests
{
    [Fact]
    public async Task Reader_HearsTheirProjectsEvents_ButNotAHiddenProjectsOrAppWideOnes()
    {
        await using var app = await SignInApp.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var rita = await app.SignedInAsAsync("rita");
        await using var stream = await EventReader.OpenAsync(rita, timeout.Token);
        var live = app.Factory.Services.GetRequiredService<LiveEvents>();

        live.Publish("run.updated", new { runId = app.HiddenRun, projectId = app.HiddenProject }, LiveEventAudience.OfProject(app.HiddenProject));
        live.Publish("preview.started", new { repository = SignInApp.Hidden, pullRequest = 9 }, LiveEventAudience.OfRepository(SignInApp.Hidden));
        live.Publish("delivery.updated", new { id = 1, status = "failed" });
        live.Publish("preview.started", new { repository = SignInApp.App, pullRequest = 4 }, LiveEventAudience.OfRepository(SignInApp.App));
        // A real change by someone else (the API token cancels acme/app's running run) reaches rita as well.
        var cancel = await app.Factory.CreateApiClient().PostAsync($"/api/runs/{app.RunningRun}/cancel", null, timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        var first = await stream.NextAsync(timeout.Token);
        Assert.Equal("preview.started", first.GetProperty("type").GetString());
        Assert.Equal(SignInApp.App, first.GetProperty("data").GetProperty("repository").GetString());
        var heard = new List<JsonElement>();
        JsonElement update;
        do
        {
            update = await stream.NextAsync(timeout.Token);
            heard.Add(update);
        }
        while (!(update.GetProperty("type").GetString() == "run.updated" && update.GetProperty("data").GetProperty("runId").GetInt64() == app.RunningRun));
        Assert.DoesNotContain(heard, e => e.GetProperty("data").TryGetProperty("projectId", out var project) && project.GetInt32() == app.HiddenProject);
        Assert.DoesNotContain(heard, e => e.GetProperty("type").GetString() == "delivery.updated");
    }

    [Fact]
    public async Task Stranger_HearsNothingOfProjectsTheyCannotSee_AndAdminsHearEverything()
    {
        await using var app = await SignInApp.StartAsync();
        app.GitHub.UserPermissions[("acme/elsewhere", "stranger")] = "read";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stranger = await app.SignedInAsAsync("stranger");
        var boss = await app.SignedInAsAsync("boss");
        await using var strangers = await EventReader.OpenAsync(stranger, timeout.Token);
        await using var bosses = await EventReader.OpenAsync(boss, timeout.Token);
        var live = app.Factory.Services.GetRequiredService<LiveEvents>();

        live.Publish("run.updated", new { runId = app.FinishedRun, projectId = app.AppProject }, LiveEventAudience.OfProject(app.AppProject));
        live.Publish("delivery.updated", new { id = 1, status = "failed" });
        // The one event the stranger may hear, sent last: anything let through before it would arrive first.
        live.Publish("preview.started", new { repository = "acme/elsewhere", pullRequest = 1 }, LiveEventAudience.OfRepository("acme/elsewhere"));

        var strangerHeard = await strangers.NextAsync(timeout.Token);
        Assert.Equal("acme/elsewhere", strangerHeard.GetProperty("data").GetProperty("repository").GetString());
        var bossHeard = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            bossHeard.Add((await bosses.NextAsync(timeout.Token)).GetProperty("type").GetString());
        }
        Assert.Equal(["run.updated", "delivery.updated", "preview.started"], bossHeard);
    }

    [Fact]
    public async Task Anonymous_GetsNoStream()
    {
        await using var app = await SignInApp.StartAsync();

        var response = await app.Factory.CreateAnonymousClient().GetAsync("/api/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>An open <c>/api/events</c> stream, read one update at a time (after its ready event).</summary>
    private sealed class EventReader : IAsyncDisposable
    {
        private readonly HttpResponseMessage response;
        private readonly StreamReader reader;

        private EventReader(HttpResponseMessage response, StreamReader reader)
        {
            this.response = response;
            this.reader = reader;
        }

        public static async Task<EventReader> OpenAsync(HttpClient client, CancellationToken cancellationToken)
        {
            var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = new EventReader(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
            // "ready" is sent once the subscription is live: nothing published after it is missed.
            Assert.Equal("ready", (await events.ReadFieldsAsync(cancellationToken))["event"]);
            return events;
        }

        /// <summary>The next update's {type, data, at}; heartbeats are skipped.</summary>
        public async Task<JsonElement> NextAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var fields = await ReadFieldsAsync(cancellationToken);
                if (!fields.ContainsKey("event"))
                {
                    using var update = JsonDocument.Parse(fields["data"]);
                    return update.RootElement.Clone();
                }
            }
        }

        private async Task<Dictionary<string, string>> ReadFieldsAsync(CancellationToken cancellationToken)
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

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
