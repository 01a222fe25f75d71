using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CodegenCicd.Tests.Accounts;

/// <summary>A reader, a writer and an admin of acme/app each see and do exactly what their GitHub permission allows, on pages and the API.</summary>
public sealed class RepositoryAccessTests
{
    [Fact]
    public async Task Reader_SeesTheirProjectAndItsRuns_Only_AndEveryActionIs403WithTheReason()
    {
        await using var app = await SignInApp.StartAsync();
        var rita = await app.SignedInAsAsync("rita");

        var projects = await rita.GetFromJsonAsync<JsonElement>("/api/projects");
        var runs = await rita.GetFromJsonAsync<JsonElement>("/api/runs");
        Assert.Equal([SignInApp.App], projects.EnumerateArray().Select(p => p.GetProperty("repository").GetString()));
        Assert.Equal([app.RunningRun, app.FinishedRun], runs.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, (await rita.GetAsync($"/api/runs/{app.FinishedRun}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/runs/{app.HiddenRun}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/projects/{app.HiddenProject}")).StatusCode);

        var rerun = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Post, $"/api/runs/{app.FinishedRun}/rerun");
        var cancel = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Post, $"/api/runs/{app.RunningRun}/cancel");
        var settings = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Put, $"/api/projects/{app.AppProject}/settings", new { maxIterations = 3 });
        var unpin = await SignInApp.SendWithTokenAsync(rita, HttpMethod.Delete, $"/api/projects/{app.AppProject}");

        Assert.Equal(HttpStatusCode.Forbidden, rerun.StatusCode);
        Assert.Contains("To re-run this run you need write (push) access to acme/app on GitHub; rita have read (pull) access",
            (await rerun.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, settings.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unpin.StatusCode);
        Assert.Empty((await rita.GetFromJsonAsync<JsonElement>("/api/audit")).EnumerateArray());

        // Pages: the run without its buttons, the project list filtered, settings and app-wide pages closed.
        var runPage = await rita.GetStringAsync($"/Runs/{app.FinishedRun}");
        Assert.DoesNotContain(">Re-run</button>", runPage, StringComparison.Ordinal);
        Assert.Contains("need write access to acme/seeded on GitHub", runPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/Runs/{app.HiddenRun}")).StatusCode);
        var list = await rita.GetStringAsync("/Projects");
        Assert.Contains(SignInApp.App, list, StringComparison.Ordinal);
        Assert.DoesNotContain(SignInApp.Hidden, list, StringComparison.Ordinal);
        Assert.DoesNotContain(SignInApp.Hidden, await rita.GetStringAsync("/Runs"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await rita.GetAsync($"/Projects/Settings/{app.AppProject}")).StatusCode);
        foreach (var appWide in new[] { "/Installations", "/deliveries", "/setup", "/Settings", "/hangfire", "/Gateway" })
        {
            Assert.NotEqual(HttpStatusCode.OK, (await rita.GetAsync(appWide)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await rita.GetAsync("/api/status")).StatusCode);
    }

    [Fact]
    public async Task Writer_ReRunsAndCancels_ButMayNotChangeSettingsOrSecrets_AndTheAuditLogNamesThem()
    {
        await using var app = await SignInApp.StartAsync();
        var walt = await app.SignedInAsAsync("walt");

        var cancel = await SignInApp.SendWithTokenAsync(walt, HttpMethod.Post, $"/api/runs/{app.RunningRun}/cancel");
        var rerun = await SignInApp.SendWithTokenAsync(walt, HttpMethod.Post, $"/api/runs/{app.FinishedRun}/rerun");
        var settings = await SignInApp.SendWithTokenAsync(walt, HttpMethod.Put, $"/api/projects/{app.AppProject}/settings", new { maxIterations = 3 });
        var secret = await SignInApp.SendWithTokenAsync(walt, HttpMethod.Put, $"/api/projects/{app.AppProject}/secrets/API_KEY", new { value = "v" });
        var hidden = await SignInApp.SendWithTokenAsync(walt, HttpMethod.Post, $"/api/runs/{app.HiddenRun}/rerun");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, settings.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, secret.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        var audit = (await walt.GetFromJsonAsync<JsonElement>($"/api/audit?project={app.AppProject}")).EnumerateArray().ToList();
        Assert.Equal([("walt", "run.rerun", $"run {app.FinishedRun}"), ("walt", "run.cancel", $"run {app.RunningRun}")],
            audit.Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("target").GetString())));
        Assert.Contains($">Re-run</button>", await walt.GetStringAsync($"/Runs/{app.FinishedRun}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryAdmin_ChangesSettingsAndSecrets_AndRemovesTheProject_EachAudited()
    {
        await using var app = await SignInApp.StartAsync();
        var ada = await app.SignedInAsAsync("ada");

        var settings = await SignInApp.SendWithTokenAsync(ada, HttpMethod.Put, $"/api/projects/{app.AppProject}/settings", new { maxIterations = 3 });
        var secret = await SignInApp.SendWithTokenAsync(ada, HttpMethod.Put, $"/api/projects/{app.AppProject}/secrets/API_KEY", new { value = "s3cret-value" });
        var settingsPage = await ada.GetAsync($"/Projects/Settings/{app.AppProject}");
        var pin = await SignInApp.SendWithTokenAsync(ada, HttpMethod.Post, "/api/projects", new { repository = "acme/other" });
        // A project with a run in progress cannot be removed: an admin may also cancel (admin includes write).
        var cancel = await SignInApp.SendWithTokenAsync(ada, HttpMethod.Post, $"/api/runs/{app.RunningRun}/cancel");
        var unpin = await SignInApp.SendWithTokenAsync(ada, HttpMethod.Delete, $"/api/projects/{app.AppProject}");

        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, secret.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settingsPage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pin.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unpin.StatusCode);
        var audit = await ada.GetFromJsonAsync<JsonElement>("/api/audit");
        var entries = audit.EnumerateArray().Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString())).ToList();
        Assert.Equal([("ada", "project.unpin"), ("ada", "run.cancel"), ("ada", "secret.set"), ("ada", "settings.change")], entries);
        Assert.DoesNotContain("s3cret-value", audit.GetRawText(), StringComparison.Ordinal);
        var auditPage = await ada.GetStringAsync("/Audit");
        Assert.Contains("<td>ada</td>", auditPage, StringComparison.Ordinal);
        Assert.Contains("secret API_KEY", auditPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminLogin_HasTheAppWidePages_AndSeesEveryProject_AsThePasswordAndTheApiTokenDo()
    {
        await using var app = await SignInApp.StartAsync();
        var boss = await app.SignedInAsAsync("boss");
        var password = await app.Factory.CreateSignedInClientAsync();
        var token = app.Factory.CreateApiClient();

        Assert.Equal(HttpStatusCode.OK, (await boss.GetAsync("/Installations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await boss.GetAsync("/api/status")).StatusCode);
        foreach (var client in new[] { boss, password, token })
        {
            var projects = await client.GetFromJsonAsync<JsonElement>("/api/projects");
            Assert.Equal(2, projects.GetArrayLength());
            Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>("/api/runs")).GetArrayLength());
        }
        Assert.Equal(HttpStatusCode.Accepted, (await token.PostAsync($"/api/runs/{app.RunningRun}/cancel", null)).StatusCode);
        Assert.Equal("api-token", (await token.GetFromJsonAsync<JsonElement>("/api/audit"))[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task SomeoneWhoCannotSeeTheRepository_GetsNotFound_NotAHintThatItExists()
    {
        await using var app = await SignInApp.StartAsync();
        var stranger = await app.SignedInAsAsync("stranger");

        Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/projects")).GetArrayLength());
        Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/runs")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await SignInApp.SendWithTokenAsync(stranger, HttpMethod.Post, $"/api/runs/{app.FinishedRun}/rerun")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/Runs/{app.FinishedRun}")).StatusCode);
    }
}
