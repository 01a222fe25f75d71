using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

/// <summary>The <c>forks</c> policy is a project setting only; <c>merge.allow_forks</c> is a setting and a repository-file key.</summary>
public sealed class ForkSettingsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ForksPolicyAndAllowForks_AreSavedThroughTheSettingsApi_AndAnUnknownPolicyIsRefused()
    {
        var id = await ProjectSeed.AddAsync(factory, "acme/fork-policy", pinned: true);
        var client = factory.CreateApiClient();

        var before = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{id}/settings");
        var put = await PutAsync(client, id, """{ "forks": "skip", "pipeline": { "merge": { "allowForks": true } } }""");
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{id}/settings");
        var bad = await PutAsync(client, id, """{ "forks": "always" }""");

        Assert.Equal("approve", before.GetProperty("forks").GetString());
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.Equal("skip", after.GetProperty("forks").GetString());
        Assert.True(after.GetProperty("pipeline").GetProperty("merge").GetProperty("allowForks").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("approve, run, skip", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryFile_ReadsAllowForks_ButCannotSetTheForksPolicy()
    {
        var result = RepoConfigFile.Apply(new PipelineConfig(), "merge:\n  allow_forks: true\nforks: run\n");

        Assert.True(result.IsValid);
        Assert.True(result.Config.Merge.AllowForks);
        Assert.Equal(["forks"], result.UnknownKeys);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheApproveEndpoint()
    {
        var document = await factory.CreateApiClient().GetFromJsonAsync<JsonDocument>("/openapi/v1.json");

        var approve = document!.RootElement.GetProperty("paths").GetProperty("/api/runs/{id}/approve").GetProperty("post");
        Assert.Contains("fork", approve.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(approve.GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task SettingsPage_ShowsAndSavesTheForkPolicyAndAllowForks()
    {
        using var page = new AppFactory();
        var id = await ProjectSeed.AddAsync(page, "acme/fork-policy-page", pinned: true);
        var client = await page.CreateSignedInClientAsync();
        var html = await client.GetStringAsync($"/Projects/Settings/{id}");

        var response = await Forms.PostAsync(client, $"/Projects/Settings/{id}?handler=Save", new()
        {
            ["Form.DefaultBranch"] = "main",
            ["Form.MaxIterations"] = "3",
            ["Form.ReadyPath"] = "/",
            ["Form.TimeoutSeconds"] = "300",
            ["Form.MergeMethod"] = "Squash",
            ["Form.WebEvalPages"] = "/",
            ["Form.Forks"] = "Run",
            ["Form.AllowForks"] = "true",
        });
        var project = await ProjectSeed.LoadAsync(page, id);

        Assert.Contains("Pull requests from forks", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Form.AllowForks\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ForkPolicy.Run, project.Settings.Forks);
        Assert.True(project.Settings.Pipeline.Merge.AllowForks);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, int id, string json) =>
        client.PutAsync($"/api/projects/{id}/settings", new StringContent(json, Encoding.UTF8, "application/json"));
}
