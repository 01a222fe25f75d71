using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

/// <summary>Bodies the API cannot read answer a problem saying why, and change nothing.</summary>
public sealed class ProjectsApiBadBodyTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task PutSettings_NotJson_Returns400ProblemWithLineAndKeepsSettings()
    {
        var id = await SeedWithSettingsAsync("acme/bad-body-syntax");

        var response = await PutRawAsync($"/api/projects/{id}/settings", "{\n  \"maxIterations\": 5,\n  \"pipeline\": {\n}");
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid JSON", detail, StringComparison.Ordinal);
        Assert.Contains("line 4", detail, StringComparison.Ordinal);
        await AssertSettingsUnchangedAsync(id);
    }

    [Fact]
    public async Task PutSettings_WrongType_Returns400NamingThePathAndExpectedType()
    {
        var id = await SeedWithSettingsAsync("acme/bad-body-type");

        var response = await PutRawAsync($"/api/projects/{id}/settings", """{ "maxIterations": "five", "planningStatement": "overwritten" }""");
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.maxIterations", detail, StringComparison.Ordinal);
        Assert.Contains("Expected a whole number", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        await AssertSettingsUnchangedAsync(id);
    }

    [Fact]
    public async Task PutSettings_UnknownMergeMethod_Returns400NamingTheAllowedMethods()
    {
        var id = await SeedWithSettingsAsync("acme/bad-body-enum");

        var response = await PutRawAsync($"/api/projects/{id}/settings", """{ "pipeline": { "merge": { "auto": true, "method": "fast-forward" } } }""");
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.pipeline.merge.method", detail, StringComparison.Ordinal);
        Assert.Contains("'fast-forward'", detail, StringComparison.Ordinal);
        Assert.Contains("merge, squash, rebase", detail, StringComparison.Ordinal);
        await AssertSettingsUnchangedAsync(id);
    }

    [Fact]
    public async Task PinProject_WrongContentType_Returns415Problem()
    {
        var response = await factory.CreateApiClient().PostAsync("/api/projects", new StringContent("acme/x", Encoding.UTF8, "text/plain"));
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("JSON", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAgentRun_WrongType_Returns400ProblemWithoutAStackTrace()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/bad-body-agent", pinned: true);

        var response = await factory.CreateApiClient().PostAsync($"/api/projects/{id}/agent-runs",
            new StringContent("""{ "target": "main", "autoConfirm": "yes" }""", Encoding.UTF8, "application/json"));
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.autoConfirm", detail, StringComparison.Ordinal);
        Assert.Contains("Expected true or false", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListRuns_QueryValueNotANumber_Returns400NamingTheParameter()
    {
        var response = await factory.CreateApiClient().GetAsync("/api/runs?project=abc");
        var detail = await ProblemDetailAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("project", detail, StringComparison.Ordinal);
        Assert.Contains("abc", detail, StringComparison.Ordinal);
    }

    private static readonly ProjectSettings Saved = new()
    {
        PlanningStatement = "keep me",
        MaxIterations = 4,
        Pipeline = new PipelineConfig { Merge = new MergeConfig { Auto = false, Method = MergeMethod.Rebase } },
    };

    private async Task<int> SeedWithSettingsAsync(string repository)
    {
        var id = await ProjectSeed.AddAsync(factory, repository, pinned: true);
        var put = await factory.CreateApiClient().PutAsJsonAsync($"/api/projects/{id}/settings", Saved);
        put.EnsureSuccessStatusCode();
        return id;
    }

    private async Task AssertSettingsUnchangedAsync(int id)
    {
        var settings = (await ProjectSeed.LoadAsync(factory, id)).Settings;
        Assert.Equal("keep me", settings.PlanningStatement);
        Assert.Equal(4, settings.MaxIterations);
        Assert.False(settings.Pipeline.Merge.Auto);
        Assert.Equal(MergeMethod.Rebase, settings.Pipeline.Merge.Method);
    }

    private Task<HttpResponseMessage> PutRawAsync(string path, string json) =>
        factory.CreateApiClient().PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        Assert.True("application/problem+json" == response.Content.Headers.ContentType?.MediaType, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
        return JsonNode.Parse(body)!["detail"]!.GetValue<string>();
    }
}
