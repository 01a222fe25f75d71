using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Dashboard;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CodegenCicd.Tests.Projects;

/// <summary>
/// The lists of projects (<c>GET /api/projects</c>, the <c>/Projects</c> dashboard) come from caches: the pinned
/// projects (<see cref="PinnedProjectsCache"/>), their activity (<see cref="ProjectActivityCache"/>), the list's JSON
/// (<see cref="ProjectListAnswers"/>) and the dashboard's cards (<see cref="RenderedCards"/>). Whatever writes a
/// project (pinning, unpinning, settings, a plain SaveChanges) or a run, the next list and the next page show it;
/// an unchanged list is the same bytes; and unpinning decides on the database, never on a cached activity. The
/// caches' clocks stand still (<see cref="ProjectCachesClockFactory"/>), so nothing here passes because an
/// entry happened to expire.
/// </summary>
public sealed class ProjectListCacheTests(ProjectCachesClockFactory factory) : IClassFixture<ProjectCachesClockFactory>
{
    private static readonly (StageKind, StageStatus, StageConclusion?)[] Deploying =
        [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success), (StageKind.Deploy, StageStatus.InProgress, null)];

    private static readonly (StageKind, StageStatus, StageConclusion?)[] Deployed =
        [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success), (StageKind.Deploy, StageStatus.Completed, StageConclusion.Success)];

    [Fact]
    public async Task PinningThroughTheApi_AndUnpinningOnThePage_ShowInTheNextListAndPage()
    {
        const string name = "plc-pin-api/app";
        var id = await ProjectSeed.AddAsync(factory, name);
        var api = factory.CreateApiClient();
        var browser = await factory.CreateSignedInClientAsync();
        await WarmAsync(api, browser, name);
        Assert.Null(await ListedAsync(api, name));
        Assert.False(HasCard(await browser.GetStringAsync("/Projects"), id), $"project {id} has a card");

        var pinned = await api.PostAsJsonAsync("/api/projects", new { repository = name });
        Assert.Equal(HttpStatusCode.Created, pinned.StatusCode);

        Assert.Equal(id, (await ListedAsync(api, name))?["id"]?.GetValue<int>());
        Assert.Contains(name, CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);

        var removed = await Forms.PostAsync(browser, $"/Projects?handler=Remove&id={id}", []);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);

        Assert.Null(await ListedAsync(api, name));
        Assert.False(HasCard(await browser.GetStringAsync("/Projects"), id), $"project {id} has a card");
    }

    [Fact]
    public async Task PinningOnThePage_AndUnpinningThroughTheApi_ShowInTheNextListAndPage()
    {
        const string name = "plc-pin-page/app";
        var id = await ProjectSeed.AddAsync(factory, name);
        var api = factory.CreateApiClient();
        var browser = await factory.CreateSignedInClientAsync();
        await WarmAsync(api, browser, name);
        Assert.Null(await ListedAsync(api, name));

        var added = await Forms.PostAsync(browser, "/Projects?handler=Add", new() { ["Repository"] = name });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        Assert.Equal(id, (await ListedAsync(api, name))?["id"]?.GetValue<int>());
        Assert.Contains(name, CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/projects/{id}")).StatusCode);

        Assert.Null(await ListedAsync(api, name));
        Assert.False(HasCard(await browser.GetStringAsync("/Projects"), id), $"project {id} has a card");
    }

    [Fact]
    public async Task SavingSettings_OnThePage_AndThroughTheApi_ShowsInTheNextListAndPage()
    {
        const string name = "plc-settings/app";
        var id = await ProjectSeed.AddAsync(factory, name, pinned: true);
        var api = factory.CreateApiClient();
        var browser = await factory.CreateSignedInClientAsync();
        await WarmAsync(api, browser, name);
        Assert.Equal("main", (await ListedAsync(api, name))!["defaultBranch"]!.GetValue<string>());
        Assert.Contains("Default branch <code>main</code>", CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);

        var saved = await Forms.PostAsync(browser, $"/Projects/Settings/{id}?handler=Save", new()
        {
            ["Tab"] = "general",
            ["Form.DefaultBranch"] = "develop",
            ["Form.MaxIterations"] = "4",
            ["Form.ReadyPath"] = "/",
            ["Form.TimeoutSeconds"] = "300",
            ["Form.MergeMethod"] = "Squash",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("develop", (await ProjectSeed.LoadAsync(factory, id)).DefaultBranch);

        var listed = await ListedAsync(api, name);
        Assert.Equal("develop", listed!["defaultBranch"]!.GetValue<string>());
        Assert.Contains("Default branch <code>develop</code>", CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);

        // The API's settings leave the branch as it is; what the list shows of the save is when it happened.
        var before = listed["updatedAt"]!.GetValue<DateTimeOffset>();
        var put = await api.PutAsJsonAsync($"/api/projects/{id}/settings", new JsonObject { ["maxIterations"] = 6 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var row = await ProjectSeed.LoadAsync(factory, id);
        Assert.NotEqual(before, row.UpdatedAt);

        Assert.Equal(row.UpdatedAt, (await ListedAsync(api, name))!["updatedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task APlainSaveChangesOfAProject_ShowsInTheNextListAndPage()
    {
        const string name = "plc-ef/app";
        var id = await ProjectSeed.AddAsync(factory, name, pinned: true);
        var api = factory.CreateApiClient();
        var browser = await factory.CreateSignedInClientAsync();
        await WarmAsync(api, browser, name);
        Assert.True((await ListedAsync(api, name))!["isActive"]!.GetValue<bool>());
        Assert.DoesNotContain("not reachable", CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);

        // The installation sync, say: no event, no catalog method, just a row written.
        await UpdateProjectAsync(id, p => p.IsActive = false);

        Assert.False((await ListedAsync(api, name))!["isActive"]!.GetValue<bool>());
        Assert.Contains("not reachable", CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);

        await UpdateProjectAsync(id, p => p.DefaultBranch = "trunk");

        Assert.Equal("trunk", (await ListedAsync(api, name))!["defaultBranch"]!.GetValue<string>());
        Assert.Contains("Default branch <code>trunk</code>", CardOf(await browser.GetStringAsync("/Projects"), id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnchangedList_IsTheSameBytes_AndARunsNewStatus_ChangesOnlyItsProject()
    {
        var first = await ProjectSeed.AddAsync(factory, "plc-json/a", pinned: true);
        var second = await ProjectSeed.AddAsync(factory, "plc-json/b", pinned: true);
        var third = await ProjectSeed.AddAsync(factory, "plc-json/c", pinned: true);
        await ActivitySeed.AddRunAsync(factory, first, 1, RunStatus.Succeeded, Deployed);
        var runId = await ActivitySeed.AddRunAsync(factory, second, 2, RunStatus.Running, Deploying);
        await ActivitySeed.AddRunAsync(factory, third, 3, RunStatus.Failed, Deployed);
        int[] ids = [first, second, third];
        var api = factory.CreateApiClient();
        const string path = "/api/projects?after=plc-json.&limit=3";

        var once = await BytesAsync(api, path);
        var twice = await BytesAsync(api, path);

        Assert.Equal(once, twice);
        var before = JsonNode.Parse(once)!.AsArray();
        Assert.Equal(ids, before.Select(p => p!["id"]!.GetValue<int>()));
        Assert.Equal(["success", "in_progress", "failure"], before.Select(p => p!["latestRun"]!["status"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(await AsAnsweredWithoutCachesAsync(ids), before), before.ToJsonString());

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == runId);
            run.Status = RunStatus.Succeeded;
            await db.SaveChangesAsync();
        }

        var changed = await BytesAsync(api, path);
        Assert.NotEqual(once, changed);
        Assert.Equal(changed, await BytesAsync(api, path));
        var after = JsonNode.Parse(changed)!.AsArray();
        Assert.Equal(ids, after.Select(p => p!["id"]!.GetValue<int>()));
        Assert.Equal("success", after[1]!["latestRun"]!["status"]!.GetValue<string>());
        Assert.Equal(runId, after[1]!["latestRun"]!["runId"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(before[0], after[0]), after[0]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(before[2], after[2]), after[2]!.ToJsonString());
        // The same shape as before: every field still there, under the same names, and the answer is what
        // serialising the projects' responses afresh gives.
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(Shape(before[i]!), Shape(after[i]!));
        }
        Assert.All(after, p =>
        {
            var project = p!.AsObject();
            foreach (var field in new[] { "id", "repository", "defaultBranch", "latestRun", "openPullRequests", "activeAgentRun" })
            {
                Assert.True(project.ContainsKey(field), $"{field} is missing from {project.ToJsonString()}");
            }
            Assert.IsType<JsonArray>(project["openPullRequests"]);
            Assert.Null(project["activeAgentRun"]);
        });
        Assert.Equal("plc-json/b", after[1]!["repository"]!.GetValue<string>());
        Assert.Equal("main", after[1]!["defaultBranch"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(await AsAnsweredWithoutCachesAsync(ids), after), after.ToJsonString());
    }

    [Fact]
    public async Task ACard_ShowsARunsNewStatus_AfterItIsWritten()
    {
        var id = await ProjectSeed.AddAsync(factory, "plc-card-run/app", pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, id, 1, RunStatus.Running, Deploying);
        var browser = await factory.CreateSignedInClientAsync();
        for (var i = 0; i < 2; i++)
        {
            var card = CardOf(await browser.GetStringAsync("/Projects"), id);
            Assert.Contains($"Run #{runId}", card, StringComparison.Ordinal);
            Assert.Contains("<span class=\"badge in_progress\">in progress</span>", card, StringComparison.Ordinal);
        }

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == runId);
            run.Status = RunStatus.Succeeded;
            await db.SaveChangesAsync();
        }

        var after = CardOf(await browser.GetStringAsync("/Projects"), id);
        Assert.Contains("<span class=\"badge success\">success</span>", after, StringComparison.Ordinal);
        Assert.DoesNotContain("in progress</span>", after, StringComparison.Ordinal);
        // The card the live script fetches says the same.
        Assert.Contains("<span class=\"badge success\">success</span>",
            await browser.GetStringAsync($"/Projects?handler=Card&id={id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACard_ShowsItsProjectsNewDefaultBranch_ThoughItsActivityDidNotChange()
    {
        var id = await ProjectSeed.AddAsync(factory, "plc-card-branch/app", pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, id, 1, RunStatus.Running, Deploying);
        var browser = await factory.CreateSignedInClientAsync();
        var card = CardOf(await browser.GetStringAsync("/Projects"), id);
        Assert.Contains("Default branch <code>main</code>", card, StringComparison.Ordinal);
        var cache = factory.Services.GetRequiredService<ProjectActivityCache>();
        Assert.True(cache.TryGet(id, out var activity));

        await UpdateProjectAsync(id, p => p.DefaultBranch = "release-7");

        // What makes this a test of the rendered cards: the project changed, its activity is the very same object.
        Assert.True(cache.TryGet(id, out var still));
        Assert.Same(activity, still);
        var after = CardOf(await browser.GetStringAsync("/Projects"), id);
        Assert.Contains("Default branch <code>release-7</code>", after, StringComparison.Ordinal);
        Assert.DoesNotContain("<code>main</code>", after, StringComparison.Ordinal);
        Assert.Contains($"Run #{runId}", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unpinning_IsRefusedForWorkInProgress_ThoughTheCachedActivitySaysNothingIsRunning()
    {
        const string name = "plc-unpin-busy/app";
        var id = await ProjectSeed.AddAsync(factory, name, pinned: true);
        var runId = await ActivitySeed.AddRunAsync(factory, id, 1, RunStatus.Succeeded, Deployed);
        var api = factory.CreateApiClient();
        var browser = await factory.CreateSignedInClientAsync();
        Assert.Equal("success", (await ListedAsync(api, name))!["latestRun"]!["status"]!.GetValue<string>());
        var cache = factory.Services.GetRequiredService<ProjectActivityCache>();
        Assert.True(cache.TryGet(id, out var cached));
        Assert.False(cached!.HasWorkInProgress);

        // The run starts again where this node does not see it (another node, say).
        await WritesAroundTheApp.SetRunStatusAsync(factory, runId, RunStatus.Running);

        // The cache still holds "nothing running": the list shows it, so the refusal below is the database's.
        Assert.Equal("success", (await ListedAsync(api, name))!["latestRun"]!["status"]!.GetValue<string>());
        Assert.True(cache.TryGet(id, out var stillCached));
        Assert.False(stillCached!.HasWorkInProgress);

        var deleted = await api.DeleteAsync($"/api/projects/{id}");
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Contains("still in progress", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var removed = await Forms.PostAsync(browser, $"/Projects?handler=Remove&id={id}", []);
        Assert.Equal(HttpStatusCode.Conflict, removed.StatusCode);
        Assert.Contains($"{name} has a run in progress", await removed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.True((await ProjectSeed.LoadAsync(factory, id)).IsPinned);
        Assert.NotNull(await ListedAsync(api, name));
    }

    /// <summary>Reads the list and the page twice, so both are in the caches before a test changes anything.</summary>
    private static async Task WarmAsync(HttpClient api, HttpClient browser, string name)
    {
        for (var i = 0; i < 2; i++)
        {
            await ListedAsync(api, name);
            await browser.GetStringAsync("/Projects");
        }
    }

    /// <summary>The project in <c>GET /api/projects?repo=</c>, null when it is not listed.</summary>
    private static async Task<JsonNode?> ListedAsync(HttpClient api, string name)
    {
        var list = await api.GetFromJsonAsync<JsonArray>($"/api/projects?repo={name}");
        Assert.True(list!.Count <= 1, list.ToJsonString());
        return list.SingleOrDefault();
    }

    private static async Task<byte[]> BytesAsync(HttpClient api, string path)
    {
        var response = await api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Every property path of a JSON value with its kind: what a client reading it relies on.</summary>
    private static List<string> Shape(JsonNode node, string at = "")
    {
        var shape = new List<string>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    shape.Add($"{at}.{key}:{KindOf(value)}");
                    if (value is not null)
                    {
                        shape.AddRange(Shape(value, $"{at}.{key}"));
                    }
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    shape.AddRange(Shape(a[i]!, $"{at}[{i}]"));
                }
                break;
        }
        return shape;

        static string KindOf(JsonNode? value) => value?.GetValueKind() switch
        {
            null or JsonValueKind.Null => "null",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            var kind => kind.ToString()!.ToLowerInvariant(),
        };
    }

    /// <summary>
    /// The list as the API answered it before any cache: the projects' rows and their activity read from the
    /// database, serialised as <c>TypedResults.Ok</c> of their responses would be.
    /// </summary>
    private async Task<JsonNode?> AsAnsweredWithoutCachesAsync(int[] ids)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var reader = scope.ServiceProvider.GetRequiredService<ProjectActivityReader>();
        var json = scope.ServiceProvider.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        var projects = await db.Set<Project>().AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.FullName).ToListAsync();
        var activity = await reader.GetAsync(ids, CancellationToken.None);
        var responses = projects.Select(p =>
        {
            var now = activity.GetValueOrDefault(p.Id) ?? ProjectActivity.None;
            return new ProjectResponse(p.Id, p.FullName, p.DefaultBranch, p.IsActive, p.IsPrivate, p.UpdatedAt,
                now.LatestRun, now.OpenPullRequests, now.ActiveAgentRun);
        }).ToList();
        return JsonSerializer.SerializeToNode(responses, json);
    }

    private async Task UpdateProjectAsync(int id, Action<Project> change)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = await db.Set<Project>().SingleAsync(p => p.Id == id);
        change(project);
        await db.SaveChangesAsync();
    }

    /// <summary>The dashboard's card of one project; the test fails when the page has none.</summary>
    private static string CardOf(string page, int projectId)
    {
        var start = page.IndexOf(CardStart(projectId), StringComparison.Ordinal);
        Assert.True(start >= 0, $"project {projectId} has no card on the dashboard");
        return page[start..(page.IndexOf("</article>", start, StringComparison.Ordinal) + "</article>".Length)];
    }

    private static bool HasCard(string page, int projectId) => page.Contains(CardStart(projectId), StringComparison.Ordinal);

    private static string CardStart(int projectId) => $"<article class=\"card\" id=\"project-{projectId}\"";
}

/// <summary>
/// The real app, with the projects' caches (<see cref="PinnedProjectsCache"/>, <see cref="ProjectActivityCache"/>)
/// on a clock the tests move by hand: nothing expires by itself, so only what clears them can make a list fresh.
/// </summary>
public sealed class ProjectCachesClockFactory : AppFactory
{
    public ManualTime CacheTime { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(sp => new PinnedProjectsCache(CacheTime, sp.GetRequiredService<LiveEvents>()));
            services.AddSingleton(sp => new ProjectActivityCache(CacheTime, sp.GetRequiredService<LiveEvents>()));
        });
    }
}
