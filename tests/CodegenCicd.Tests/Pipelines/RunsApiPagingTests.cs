using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Projects;

namespace CodegenCicd.Tests.Pipelines;

/// <summary>The run and project lists come a page at a time, newest (or by name) first, with a Link to the next page.</summary>
public sealed class RunsApiPagingTests
{
    private static readonly (StageKind, StageStatus, StageConclusion?)[] Passed =
        [(StageKind.Analysis, StageStatus.Completed, StageConclusion.Success)];

    [Fact]
    public async Task Runs_ComeInPagesOfLimit_NewestFirst_FollowingTheNextLink_WithTheFiltersKept()
    {
        using var app = new AppFactory();
        var project = await ProjectSeed.AddAsync(app, "acme/paged", pinned: true);
        var other = await ProjectSeed.AddAsync(app, "acme/other", pinned: true);
        var ids = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await ActivitySeed.AddRunAsync(app, project, 10 + i, RunStatus.Succeeded, Passed));
            await ActivitySeed.AddRunAsync(app, other, 10 + i, RunStatus.Succeeded, Passed);
        }
        var api = app.CreateApiClient();

        var seen = new List<long>();
        var pages = 0;
        string? next = $"/api/runs?project={project}&limit=3";
        while (next is not null)
        {
            var response = await api.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
            Assert.InRange(page.Count, 1, 3);
            Assert.All(page, r => Assert.Equal(project, r.GetProperty("projectId").GetInt32()));
            seen.AddRange(page.Select(r => r.GetProperty("id").GetInt64()));
            next = NextLink(response);
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderDescending(), seen);
    }

    [Fact]
    public async Task DefaultPage_Is100Runs_AndTheLastPartialPageHasNoNextLink()
    {
        using var app = new AppFactory();
        var project = await ProjectSeed.AddAsync(app, "acme/many", pinned: true);
        for (var i = 0; i < 101; i++)
        {
            await ActivitySeed.AddRunAsync(app, project, i + 1, RunStatus.Failed, Passed);
        }
        var api = app.CreateApiClient();

        var first = await api.GetAsync("/api/runs?status=Failed");
        var firstPage = (await first.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        var link = NextLink(first);
        var second = await api.GetAsync(link!);

        Assert.Equal(100, firstPage.Count);
        Assert.Contains("status=Failed", link, StringComparison.Ordinal);
        Assert.Contains($"before={firstPage[^1].GetProperty("id").GetInt64()}", link, StringComparison.Ordinal);
        var last = Assert.Single((await second.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(1, last.GetProperty("pullRequest").GetInt32());
        Assert.Null(NextLink(second));
    }

    [Theory]
    [InlineData("/api/runs?limit=0")]
    [InlineData("/api/runs?limit=501")]
    [InlineData("/api/projects?limit=0")]
    [InlineData("/api/projects?limit=501")]
    public async Task LimitOutOfRange_IsAProblemNamingTheField(string path)
    {
        using var app = new AppFactory();

        var response = await app.CreateApiClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("limit must be between 1 and 500", problem.GetProperty("errors").GetProperty("limit")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Projects_ComeInPagesByName_AfterTheLastName_WithTheirLatestRun()
    {
        using var app = new AppFactory();
        foreach (var name in new[] { "acme/e", "acme/c", "acme/a", "acme/d", "acme/b" })
        {
            var id = await ProjectSeed.AddAsync(app, name, pinned: true);
            await ActivitySeed.AddRunAsync(app, id, 1, RunStatus.Succeeded, Passed);
        }
        await ProjectSeed.AddAsync(app, "acme/aa-unpinned", pinned: false);
        var api = app.CreateApiClient();

        var first = await api.GetAsync("/api/projects?limit=2");
        var second = await api.GetAsync(NextLink(first)!);
        var third = await api.GetAsync(NextLink(second)!);

        Assert.Equal(["acme/a", "acme/b"], await NamesAsync(first));
        Assert.Equal(["acme/c", "acme/d"], await NamesAsync(second));
        Assert.Equal(["acme/e"], await NamesAsync(third));
        Assert.Null(NextLink(third));
        var all = await api.GetFromJsonAsync<JsonElement>("/api/projects");
        Assert.Equal(5, all.GetArrayLength());
        Assert.All(all.EnumerateArray(), p => Assert.Equal("success", p.GetProperty("latestRun").GetProperty("stages")[0].GetProperty("status").GetString()));
    }

    private static async Task<List<string?>> NamesAsync(HttpResponseMessage response) =>
        [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(p => p.GetProperty("repository").GetString())];

    /// <summary>The target of <c>Link: &lt;…&gt;; rel="next"</c>, or null on the last page.</summary>
    private static string? NextLink(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var values)
            ? values.Select(v => v.Split(';')).Where(p => p.Length > 1 && p[1].Trim() == "rel=\"next\"").Select(p => p[0].Trim().Trim('<', '>')).FirstOrDefault()
            : null;
}
