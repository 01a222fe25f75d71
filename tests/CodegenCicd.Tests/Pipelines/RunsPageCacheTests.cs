using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Data;
using CodegenCicd.Notifications;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Api;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>
/// Lists of runs (<c>GET /api/runs</c>, <c>GET /api/projects/{id}/runs</c>, the runs page) come from a cache:
/// whatever writes a run or a stage through EF Core (SaveChanges, ExecuteUpdate, inside a transaction once it
/// commits), the next list shows it; an identical list is answered from the cache with the same JSON as before
/// it; a read that overlapped a write is not kept, nothing outlives MaxAge, a project event clears it, and it
/// holds a bounded number of pages. The app is real; only the cache's clock is one the tests move by hand.
/// </summary>
public sealed class RunsPageCacheTests(RunsPageCacheTests.CacheClockFactory factory)
    : IClassFixture<RunsPageCacheTests.CacheClockFactory>
{
    private static readonly (StageKind, StageStatus, StageConclusion?)[] Deploying =
        [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success), (StageKind.Deploy, StageStatus.InProgress, null)];

    [Fact]
    public async Task ARunSavedThroughEfCore_ShowsInTheNextList()
    {
        var project = await ProjectAsync("save");
        var first = await ActivitySeed.AddRunAsync(factory, project, 1, RunStatus.Running, Deploying);
        Assert.Equal([(first, "Running")], await ListedAsync($"/api/runs?project={project}"));

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == first);
            run.Status = RunStatus.Succeeded;
            await db.SaveChangesAsync();
        }
        Assert.Equal([(first, "Succeeded")], await ListedAsync($"/api/runs?project={project}"));

        var second = await ActivitySeed.AddRunAsync(factory, project, 2, RunStatus.Queued, Deploying);
        Assert.Equal([(second, "Queued"), (first, "Succeeded")], await ListedAsync($"/api/runs?project={project}"));
    }

    [Fact]
    public async Task AnExecuteUpdateOfAStage_AndAWriteInsideATransaction_ShowInTheNextList()
    {
        var project = await ProjectAsync("bulk");
        var runId = await ActivitySeed.AddRunAsync(factory, project, 1, RunStatus.Running, Deploying);
        string[] lists = [$"/api/runs?project={project}", $"/api/projects/{project}/runs"];
        foreach (var list in lists)
        {
            Assert.Equal("InProgress", await DeployStatusAsync(list));
        }

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<PipelineStage>().Where(s => s.RunId == runId && s.Kind == StageKind.Deploy)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StageStatus.Completed)
                    .SetProperty(s => s.Conclusion, StageConclusion.Failure));
        }
        foreach (var list in lists)
        {
            Assert.Equal("Completed", await DeployStatusAsync(list));
        }

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == runId);
            run.Status = RunStatus.Failed;
            await db.SaveChangesAsync();
            // Read in between, from other requests: they see the old status and must not be kept.
            foreach (var list in lists)
            {
                Assert.Equal([(runId, "Running")], await ListedAsync(list));
            }
            await transaction.CommitAsync();
        }
        foreach (var list in lists)
        {
            Assert.Equal([(runId, "Failed")], await ListedAsync(list));
        }
    }

    [Fact]
    public async Task ASecondIdenticalList_IsServedFromTheCache_WithTheSameJsonAsBeforeIt()
    {
        var project = await ProjectAsync("served");
        var older = await ActivitySeed.AddRunAsync(factory, project, 1, RunStatus.Succeeded, Deploying);
        var newer = await ActivitySeed.AddRunAsync(factory, project, 2, RunStatus.Running, Deploying);
        var api = factory.CreateApiClient();

        var first = await api.GetAsync($"/api/runs?project={project}");
        var second = await api.GetAsync($"/api/runs?project={project}");

        // The admin sees every project (Visible null): the filter the API builds for ?project=.
        var cache = factory.Services.GetRequiredService<RunsPageCache>();
        Assert.True(cache.TryGet(RunsPageCache.Key.Of(new RunFilter(ProjectId: project, Limit: RunsQuery.PageSize)), out var page));
        Assert.Equal([newer, older], page.Runs.Select(r => r.Id));
        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        }
        var bytes = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, await second.Content.ReadAsByteArrayAsync());
        // The page was serialised once, for the first answer; the second answered with those bytes.
        Assert.Equal(bytes, page.Json(_ => throw new InvalidOperationException("serialised again")));

        var json = JsonNode.Parse(bytes)!.AsArray();
        Assert.True(JsonNode.DeepEquals(await AsAnsweredBeforeTheCacheAsync(project), json), json.ToJsonString());
        Assert.Equal([newer, older], json.Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal("Running", json[0]!["status"]!.GetValue<string>());
        Assert.Equal(project, json[0]!["projectId"]!.GetValue<int>());
        Assert.Equal(2, json[0]!["pullRequest"]!.GetValue<int>());
        Assert.EndsWith($"/Runs/{newer}", json[0]!["detailsUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        var stages = json[0]!["stages"]!.AsArray();
        Assert.Equal(["CodegenCICD / analysis", "CodegenCICD / deploy"], stages.Select(s => s!["checkRunName"]!.GetValue<string>()));
        Assert.Equal(["analysis", "deploy"], stages.Select(s => s!["kind"]!.GetValue<string>()));
        Assert.Equal(["Completed", "InProgress"], stages.Select(s => s!["status"]!.GetValue<string>()));
        Assert.All(stages, s => Assert.Null(s!["log"]));

        // A full page links to the next one, from the cache as well.
        for (var i = 0; i < 2; i++)
        {
            var paged = await api.GetAsync($"/api/runs?project={project}&limit=1");
            Assert.Contains($"before={newer}", string.Join(' ', paged.Headers.GetValues("Link")), StringComparison.Ordinal);
        }

        // A page longer than the default is read afresh every time.
        await api.GetStringAsync($"/api/runs?project={project}&limit={RunsPageCache.LongestKept + 1}");
        Assert.False(cache.TryGet(RunsPageCache.Key.Of(new RunFilter(ProjectId: project, Limit: RunsPageCache.LongestKept + 1)), out _));
    }

    [Fact]
    public async Task AWriteThisNodeDidNotSee_ShowsOnceMaxAgeHasPassed()
    {
        var project = await ProjectAsync("unseen");
        var runId = await ActivitySeed.AddRunAsync(factory, project, 1, RunStatus.Running, Deploying);
        Assert.Equal([(runId, "Running")], await ListedAsync($"/api/runs?project={project}"));

        await WritesAroundTheApp.SetRunStatusAsync(factory, runId, RunStatus.Succeeded);

        // Another node's write, say: nothing here heard of it, so the list comes from the cache until MaxAge.
        factory.CacheTime.Advance(RunsPageCache.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.Equal([(runId, "Running")], await ListedAsync($"/api/runs?project={project}"));
        factory.CacheTime.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([(runId, "Succeeded")], await ListedAsync($"/api/runs?project={project}"));
    }

    [Fact]
    public async Task TheRunsPage_ShowsANewRun_AndAStatusChange_AfterTheyAreWritten()
    {
        var project = await ProjectAsync("page");
        var first = await ActivitySeed.AddRunAsync(factory, project, 1, RunStatus.Running, Deploying);
        var browser = await factory.CreateSignedInClientAsync();
        Assert.Contains(">running</span>", RowOf(await browser.GetStringAsync($"/Runs?project={project}"), first), StringComparison.Ordinal);

        var second = await ActivitySeed.AddRunAsync(factory, project, 2, RunStatus.Queued, Deploying);
        var page = await browser.GetStringAsync($"/Runs?project={project}");
        Assert.Contains($"href=\"/Runs/{second}\"", page, StringComparison.Ordinal);
        Assert.Contains(">queued</span>", RowOf(page, second), StringComparison.Ordinal);

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == first);
            run.Status = RunStatus.Succeeded;
            await db.SaveChangesAsync();
        }
        Assert.Contains(">succeeded</span>", RowOf(await browser.GetStringAsync($"/Runs?project={project}"), first), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARowIsRenderedOncePerReadingOfItsRun_AndAgainForANewReading()
    {
        var rows = new RenderedRunRows();
        var renders = 0;
        Task<IHtmlContent> Render(PipelineRun run)
        {
            renders++;
            return Task.FromResult<IHtmlContent>(new HtmlString($"<tr>#{run.Id} {run.Status}</tr>"));
        }
        PipelineRun Read(RunStatus status) => new()
        {
            Id = 7, Status = status, Repository = "acme/app", HeadSha = "abc", CloneUrl = "https://example.test/acme/app.git",
            Trigger = "pull_request",
        };
        var read = Read(RunStatus.Running);
        var reread = Read(RunStatus.Succeeded); // the same run read again after a write cleared the page

        var first = await rows.GetAsync(read, () => Render(read));
        var again = await rows.GetAsync(read, () => Render(read));
        var after = await rows.GetAsync(reread, () => Render(reread));

        Assert.Equal(2, renders);
        Assert.Same(first, again);
        Assert.Equal("<tr>#7 Succeeded</tr>", after.ToString());
    }

    [Fact]
    public void AReadThatOverlappedAWrite_IsNotKept_AndNothingOutlivesMaxAge()
    {
        var time = new ManualTime();
        var cache = new RunsPageCache(time, new LiveEvents(time));
        var key = RunsPageCache.Key.Of(new RunFilter(ProjectId: 1));
        var page = new RunsPage([]);

        var before = cache.BeginRead();
        cache.Invalidate(); // a write committed while the read was under way
        cache.Store(before, key, page);
        Assert.False(cache.TryGet(key, out _));

        cache.Store(cache.BeginRead(), key, page);
        Assert.True(cache.TryGet(key, out var kept));
        Assert.Same(page, kept);
        time.Advance(RunsPageCache.MaxAge - TimeSpan.FromTicks(1));
        Assert.True(cache.TryGet(key, out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(cache.TryGet(key, out _));

        cache.Store(cache.BeginRead(), key, page);
        cache.Invalidate();
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public void AnEntry_AgesFromWhenItsReadBegan_NotFromWhenItWasStored()
    {
        var time = new ManualTime();
        var cache = new RunsPageCache(time, new LiveEvents(time));
        var key = RunsPageCache.Key.Of(new RunFilter(ProjectId: 1));

        var ticket = cache.BeginRead();
        time.Advance(RunsPageCache.MaxAge / 2); // a slow read
        cache.Store(ticket, key, new RunsPage([]));
        Assert.True(cache.TryGet(key, out _));
        time.Advance(RunsPageCache.MaxAge / 2);
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public void AProjectEvent_ClearsTheCache_AnAppWideOneDoesNot()
    {
        var time = new ManualTime();
        var live = new LiveEvents(time);
        var cache = new RunsPageCache(time, live);
        var key = RunsPageCache.Key.Of(new RunFilter(ProjectId: 7));
        cache.Store(cache.BeginRead(), key, new RunsPage([]));

        live.Publish("delivery.updated", new { id = 1 });
        Assert.True(cache.TryGet(key, out _));

        live.Publish("run.updated", new { runId = 3, projectId = 7 }, LiveEventAudience.OfProject(7));
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public void AFullCache_StartsAgainEmpty_WhenAnotherKeyComes_NotWhenAKeptOneIsStoredAgain()
    {
        var time = new ManualTime();
        var cache = new GenerationCache<int, string>(time, TimeSpan.FromSeconds(2), capacity: 3);
        foreach (var key in new[] { 1, 2, 3 })
        {
            cache.Store(cache.BeginRead(), key, $"page {key}");
        }

        cache.Store(cache.BeginRead(), 3, "page 3 again");
        Assert.All([1, 2], key => Assert.True(cache.TryGet(key, out _)));
        Assert.True(cache.TryGet(3, out var again));
        Assert.Equal("page 3 again", again);

        cache.Store(cache.BeginRead(), 4, "page 4");
        Assert.All([1, 2, 3], key => Assert.False(cache.TryGet(key, out _)));
        Assert.True(cache.TryGet(4, out _));
    }

    [Fact]
    public void RunsPageCache_Keeps32Pages_AndThe33rdStartsItAgainEmpty()
    {
        var time = new ManualTime();
        var cache = new RunsPageCache(time, new LiveEvents(time));
        var keys = Enumerable.Range(1, 33).Select(id => RunsPageCache.Key.Of(new RunFilter(ProjectId: id))).ToList();
        foreach (var key in keys.Take(32))
        {
            cache.Store(cache.BeginRead(), key, new RunsPage([]));
        }
        Assert.All(keys.Take(32), key => Assert.True(cache.TryGet(key, out _)));

        cache.Store(cache.BeginRead(), keys[32], new RunsPage([]));

        Assert.All(keys.Take(32), key => Assert.False(cache.TryGet(key, out _)));
        Assert.True(cache.TryGet(keys[32], out _));
    }

    [Fact]
    public void APagesKey_TellsApartTheFiltersThePage_AndWhatThePersonMaySee()
    {
        static RunsPageCache.Key Of(RunFilter filter) => RunsPageCache.Key.Of(filter);

        Assert.Equal(Of(new RunFilter(Visible: new HashSet<int> { 3, 1 })), Of(new RunFilter(Visible: new HashSet<int> { 1, 3 })));
        Assert.NotEqual(Of(new RunFilter(Visible: new HashSet<int> { 1, 3 })), Of(new RunFilter()));
        Assert.NotEqual(Of(new RunFilter(Visible: new HashSet<int> { 1, 3 })), Of(new RunFilter(Visible: new HashSet<int> { 1 })));
        Assert.NotEqual(Of(new RunFilter(Visible: new HashSet<int>())), Of(new RunFilter()));
        Assert.NotEqual(Of(new RunFilter(Visible: new HashSet<int> { 1, 2 })), Of(new RunFilter(Visible: new HashSet<int> { 12 })));
        Assert.NotEqual(Of(new RunFilter(ProjectId: 1)), Of(new RunFilter(ProjectId: 2)));
        Assert.NotEqual(Of(new RunFilter(Status: RunStatus.Failed)), Of(new RunFilter()));
        Assert.NotEqual(Of(new RunFilter(PullRequest: 7)), Of(new RunFilter()));
        Assert.NotEqual(Of(new RunFilter(Before: 10)), Of(new RunFilter()));
        Assert.NotEqual(Of(new RunFilter(Limit: 10)), Of(new RunFilter()));
    }

    /// <summary>The real app, with <see cref="RunsPageCache"/> on a clock the tests move (nothing expires by itself).</summary>
    public sealed class CacheClockFactory : AppFactory
    {
        public ManualTime CacheTime { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.AddSingleton(sp => new RunsPageCache(CacheTime, sp.GetRequiredService<LiveEvents>())));
        }
    }

    private Task<int> ProjectAsync(string name) => ProjectSeed.AddAsync(factory, $"runs-cache-{name}/app", pinned: true);

    /// <summary>The runs a list answers, newest first: their ids and statuses.</summary>
    private async Task<List<(long, string)>> ListedAsync(string path)
    {
        var list = await factory.CreateApiClient().GetFromJsonAsync<JsonArray>(path);
        return [.. list!.Select(r => (r!["id"]!.GetValue<long>(), r["status"]!.GetValue<string>()))];
    }

    private async Task<string> DeployStatusAsync(string path)
    {
        var list = await factory.CreateApiClient().GetFromJsonAsync<JsonArray>(path);
        var run = Assert.Single(list!);
        return run!["stages"]!.AsArray().Single(s => s!["kind"]!.GetValue<string>() == "deploy")!["status"]!.GetValue<string>();
    }

    /// <summary>The list as the API answered it before the cache: <c>TypedResults.Ok</c> of the runs' DTOs.</summary>
    private async Task<JsonNode?> AsAnsweredBeforeTheCacheAsync(int projectId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var pipeline = scope.ServiceProvider.GetRequiredService<IOptions<PipelineOptions>>().Value;
        var json = scope.ServiceProvider.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        var runs = await db.Set<PipelineRun>().AsNoTracking().Include(r => r.Stages)
            .Where(r => r.ProjectId == projectId).OrderByDescending(r => r.Id).ToListAsync();
        return JsonSerializer.SerializeToNode(runs.Select(r => r.ToDto(pipeline, withLogs: false)).ToList(), json);
    }

    /// <summary>The runs page's row of one run.</summary>
    private static string RowOf(string page, long runId)
    {
        var start = page.IndexOf($"data-live-run=\"{runId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"run {runId} is not listed");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
