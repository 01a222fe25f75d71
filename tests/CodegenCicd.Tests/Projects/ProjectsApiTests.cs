using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

public sealed class ProjectsApiTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/api/projects")]
    [InlineData("/api/projects/1")]
    [InlineData("/api/projects/1/settings")]
    [InlineData("/api/projects/1/secrets")]
    [InlineData("/api/events")]
    public async Task Anonymous_Returns401(string path)
    {
        var response = await factory.CreateAnonymousClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PinReachableRepository_ListsItWithItsId()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-pin");
        var client = factory.CreateApiClient();

        var created = await client.PostAsJsonAsync("/api/projects", new { repository = "acme/api-pin" });
        var list = await client.GetFromJsonAsync<JsonArray>("/api/projects?repo=acme/api-pin");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/projects/{id}", created.Headers.Location!.OriginalString);
        var item = Assert.Single(list!);
        Assert.Equal(id, item!["id"]!.GetValue<int>());
        Assert.Null(item["latestRun"]);
    }

    [Fact]
    public async Task PinUnreachableRepository_Returns422NamingTheField()
    {
        await ProjectSeed.AddAsync(factory, "acme/api-gone", active: false);

        var response = await factory.CreateApiClient().PostAsJsonAsync("/api/projects", new { repository = "acme/api-gone" });
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("the App cannot reach acme/api-gone", problem!["errors"]!["repository"]![0]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unpin_HidesProjectButKeepsTheRow()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-unpin", pinned: true);
        var client = factory.CreateApiClient();

        var deleted = await client.DeleteAsync($"/api/projects/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/projects/{id}")).StatusCode);
        Assert.False((await ProjectSeed.LoadAsync(factory, id)).IsPinned);
    }

    [Fact]
    public async Task Unpin_WhileARunIsActive_Returns409AndKeepsTheProject()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-busy", pinned: true);
        using var busy = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddScoped<IProjectActivity>(_ => new BusyProjectActivity(id))));
        var client = busy.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.ApiToken);

        var response = await client.DeleteAsync($"/api/projects/{id}");
        var project = await client.GetFromJsonAsync<JsonObject>($"/api/projects/{id}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("still in progress", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("in_progress", project!["latestRun"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutSettings_RoundTripsRepoFileKeys()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-settings", pinned: true);
        var client = factory.CreateApiClient();
        var body = new JsonObject
        {
            ["maxIterations"] = 5,
            ["pipeline"] = new JsonObject
            {
                ["deploy"] = new JsonObject { ["setup"] = new JsonArray("npm ci"), ["start"] = "npm start", ["readyPath"] = "/health", ["timeoutSeconds"] = 120 },
                ["merge"] = new JsonObject { ["auto"] = true, ["method"] = "rebase", ["blockLabels"] = new JsonArray("wip") },
            },
        };

        var put = await client.PutAsJsonAsync($"/api/projects/{id}/settings", body);
        var read = await client.GetFromJsonAsync<JsonObject>($"/api/projects/{id}/settings");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("rebase", read!["pipeline"]!["merge"]!["method"]!.GetValue<string>());
        Assert.Equal("/health", read["pipeline"]!["deploy"]!["readyPath"]!.GetValue<string>());
        Assert.Equal(5, (await ProjectSeed.LoadAsync(factory, id)).Settings.MaxIterations);
    }

    [Fact]
    public async Task PutSettings_BadValues_Returns400PerFieldAndSavesNothing()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-bad-settings", pinned: true);
        var body = new JsonObject
        {
            ["maxIterations"] = 50,
            ["planningStatement"] = "keep this out",
            ["pipeline"] = new JsonObject
            {
                ["deploy"] = new JsonObject { ["readyPath"] = "health", ["setup"] = new JsonArray("npm ci", "  ") },
                ["webEval"] = new JsonObject { ["pages"] = new JsonArray("about") },
            },
        };

        var response = await factory.CreateApiClient().PutAsJsonAsync($"/api/projects/{id}/settings", body);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["maxIterations", "pipeline.deploy.readyPath", "pipeline.deploy.setup", "pipeline.webEval.pages"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("", (await ProjectSeed.LoadAsync(factory, id)).Settings.PlanningStatement);
    }

    [Fact]
    public async Task PutSettings_UnknownMergeMethod_Returns400()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-bad-method", pinned: true);
        var body = new JsonObject { ["pipeline"] = new JsonObject { ["merge"] = new JsonObject { ["method"] = "fast-forward" } } };

        var response = await factory.CreateApiClient().PutAsJsonAsync($"/api/projects/{id}/settings", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(MergeMethod.Squash, (await ProjectSeed.LoadAsync(factory, id)).Settings.Pipeline.Merge.Method);
    }

    [Fact]
    public async Task Secrets_ValuesGoInButOnlyNamesComeOut()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/api-secrets", pinned: true);
        var client = factory.CreateApiClient();
        const string value = "api-secret-value-5f1c2b";

        var put = await client.PutAsJsonAsync($"/api/projects/{id}/secrets/API_KEY", new { value });
        var bad = await client.PutAsJsonAsync($"/api/projects/{id}/secrets/1BAD", new { value });
        var listed = await client.GetStringAsync($"/api/projects/{id}/secrets");
        var deleted = await client.DeleteAsync($"/api/projects/{id}/secrets/API_KEY");

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"name\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("API_KEY", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(value, listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("[]", await client.GetStringAsync($"/api/projects/{id}/secrets"));
    }

    [Fact]
    public async Task OpenApi_DocumentsTheProjectsApi()
    {
        var document = await factory.CreateApiClient().GetFromJsonAsync<JsonDocument>("/openapi/v1.json");
        var paths = document!.RootElement.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/api/projects/{id}/secrets/{name}", out _));
        Assert.True(paths.TryGetProperty("/api/events", out _));
    }
}
