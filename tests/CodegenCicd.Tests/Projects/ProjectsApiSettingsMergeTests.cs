using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

/// <summary><c>PUT /api/projects/{id}/settings</c> changes only what the body names, and refuses keys it does not know.</summary>
public sealed class ProjectsApiSettingsMergeTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private static readonly ProjectSettings Saved = new()
    {
        PlanningStatement = "Small PRs.",
        MaxIterations = 4,
        Pipeline = new PipelineConfig
        {
            Deploy = new DeployConfig { Setup = ["npm ci"], Start = "npm start", ReadyPath = "/health" },
            Merge = new MergeConfig { Auto = true, Method = MergeMethod.Rebase, RequireLabel = "ready" },
            WebEval = new WebEvalConfig { Pages = ["/", "/about"] },
        },
    };

    [Fact]
    public async Task PutWithOneField_ChangesOnlyThatField()
    {
        var id = await SeedAsync("acme/merge-one-field");

        var response = await PutRawAsync(id, """{ "maxIterations": 6, "pipeline": { "merge": { "requireLabel": "go" } } }""");
        var stored = (await ProjectSeed.LoadAsync(factory, id)).Settings;
        var answered = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Saved with
        {
            MaxIterations = 6,
            Pipeline = Saved.Pipeline with { Merge = Saved.Pipeline.Merge with { RequireLabel = "go" } },
        }, stored, SettingsComparer);
        Assert.Equal("Small PRs.", answered!["planningStatement"]!.GetValue<string>());
        Assert.Equal("npm start", answered["pipeline"]!["deploy"]!["start"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutWithNullOrEmptyValues_ClearsThoseFields_AndKeepsTheRest()
    {
        var id = await SeedAsync("acme/merge-clear");

        var response = await PutRawAsync(id, """{ "planningStatement": null, "pipeline": { "deploy": { "setup": [], "start": null } } }""");
        var stored = (await ProjectSeed.LoadAsync(factory, id)).Settings;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", stored.PlanningStatement);
        Assert.Empty(stored.Pipeline.Deploy.Setup);
        Assert.Null(stored.Pipeline.Deploy.Start);
        Assert.Equal("/health", stored.Pipeline.Deploy.ReadyPath);
        Assert.Equal(4, stored.MaxIterations);
        Assert.True(stored.Pipeline.Merge.Auto);
    }

    [Fact]
    public async Task PutWithUnknownKeys_Returns400NamingThem_AndSavesNothing()
    {
        var id = await SeedAsync("acme/merge-unknown");

        var response = await PutRawAsync(id, """{ "maxIterations": 6, "colour": "red", "pipeline": { "deploy": { "port": 3000 } } }""");
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("colour", detail, StringComparison.Ordinal);
        Assert.Contains("pipeline.deploy.port", detail, StringComparison.Ordinal);
        Assert.Equal(4, (await ProjectSeed.LoadAsync(factory, id)).Settings.MaxIterations);
    }

    [Theory]
    [InlineData("""{ "pipeline": { "web_eval": { "pages": ["/x"] } } }""", "pipeline.web_eval", "pipeline.webEval")]
    [InlineData("""{ "web_eval": { "pages": ["/x"] } }""", "web_eval", "pipeline.webEval")]
    [InlineData("""{ "pipeline": { "deploy": { "ready_path": "/x" } } }""", "pipeline.deploy.ready_path", "pipeline.deploy.readyPath")]
    public async Task PutWithTheRepoFileSpelling_Returns400NamingTheApiSpelling(string body, string sent, string apiSpelling)
    {
        var id = await SeedAsync($"acme/merge-spelling-{sent.Length}");

        var response = await PutRawAsync(id, body);
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{sent}'", detail, StringComparison.Ordinal);
        Assert.Contains($"'{apiSpelling}'", detail, StringComparison.Ordinal);
        Assert.Equal(["/", "/about"], (await ProjectSeed.LoadAsync(factory, id)).Settings.Pipeline.WebEval.Pages);
    }

    [Fact]
    public async Task PutWithAMergedResultThatIsInvalid_Returns400ValidationProblem_AndSavesNothing()
    {
        var id = await SeedAsync("acme/merge-invalid");

        var response = await PutRawAsync(id, """{ "maxIterations": 99 }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("maxIterations", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(4, (await ProjectSeed.LoadAsync(factory, id)).Settings.MaxIterations);
    }

    private static readonly IEqualityComparer<ProjectSettings> SettingsComparer = EqualityComparer<ProjectSettings>.Create(
        (a, b) => ProjectSettings.Converter.ConvertToProvider(a) as string == ProjectSettings.Converter.ConvertToProvider(b) as string);

    private async Task<int> SeedAsync(string repository)
    {
        var id = await ProjectSeed.AddAsync(factory, repository, pinned: true);
        (await factory.CreateApiClient().PutAsJsonAsync($"/api/projects/{id}/settings", Saved)).EnsureSuccessStatusCode();
        return id;
    }

    private Task<HttpResponseMessage> PutRawAsync(int id, string json) =>
        factory.CreateApiClient().PutAsync($"/api/projects/{id}/settings", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True("application/problem+json" == response.Content.Headers.ContentType?.MediaType, $"{response.StatusCode} {body}");
        return JsonNode.Parse(body)!["detail"]!.GetValue<string>();
    }
}
