using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

/// <summary>GitHub treats owner/name case-insensitively, so the API does too, and answers with GitHub's casing.</summary>
public sealed class ProjectsApiRepositoryNameTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task PinWithOtherCasing_PinsTheRepository_AndAnswersGitHubsCasing()
    {
        var id = await ProjectSeed.AddAsync(factory, "Codertocat/Hello-World");
        var client = factory.CreateApiClient();

        var response = await client.PostAsJsonAsync("/api/projects", new { repository = "codertocat/hello-world" });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(id, body!["id"]!.GetValue<int>());
        Assert.Equal("Codertocat/Hello-World", body["repository"]!.GetValue<string>());
        Assert.True((await ProjectSeed.LoadAsync(factory, id)).IsPinned);
    }

    [Fact]
    public async Task ListWithOtherCasing_FindsTheProject_WithGitHubsCasing()
    {
        var id = await ProjectSeed.AddAsync(factory, "Octo-Org/Spoon-Knife", pinned: true);

        var list = await factory.CreateApiClient().GetFromJsonAsync<JsonArray>("/api/projects?repo=octo-org/SPOON-knife");

        var item = Assert.Single(list!);
        Assert.Equal(id, item!["id"]!.GetValue<int>());
        Assert.Equal("Octo-Org/Spoon-Knife", item["repository"]!.GetValue<string>());
    }

    [Fact]
    public async Task DashboardAddWithOtherCasing_AddsTheProject_AndNamesItAsGitHubDoes()
    {
        using var app = new AppFactory();
        var id = await ProjectSeed.AddAsync(app, "Monalisa/Octo-Shop");
        var client = await app.CreateSignedInClientAsync();

        var added = await Forms.PostAsync(client, "/Projects?handler=Add", new() { ["Repository"] = "monalisa/octo-shop" });
        var dashboard = await client.GetStringAsync("/Projects");

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains("Added Monalisa/Octo-Shop.", dashboard, StringComparison.Ordinal);
        Assert.True((await ProjectSeed.LoadAsync(app, id)).IsPinned);
    }
}
