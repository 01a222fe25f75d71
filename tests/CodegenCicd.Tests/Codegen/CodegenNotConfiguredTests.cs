using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Codegen;

/// <summary>No Codegen token: agent features say "Codegen not configured", everything else keeps working.</summary>
public sealed class CodegenNotConfiguredTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task StartingARun_IsA503ProblemSayingSo_AndSavesNothing()
    {
        var projectId = await AddProjectAsync();

        var response = await factory.CreateApiClient().PostAsJsonAsync($"/api/projects/{projectId}/agent-runs", new { target = "Add a footer" });
        var runs = await factory.CreateApiClient().GetFromJsonAsync<JsonArray>($"/api/projects/{projectId}/agent-runs");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Codegen not configured", problem["title"]!.GetValue<string>());
        Assert.Contains("Codegen:ApiToken", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(runs!);
    }

    [Fact]
    public async Task Pages_SayCodegenNotConfigured_AndTheRestOfTheAppWorks()
    {
        var projectId = await AddProjectAsync();
        var browser = await factory.CreateSignedInClientAsync();

        var agents = await browser.GetStringAsync("/Agents");
        var project = await browser.GetStringAsync($"/Agents/Project/{projectId}");
        var post = await Forms.PostAsync(browser, $"/Agents/Project/{projectId}", new() { ["Target"] = "Add a footer" });
        var status = await factory.CreateApiClient().GetFromJsonAsync<JsonObject>("/api/status");
        var home = await browser.GetAsync("/");

        Assert.Contains("Codegen not configured", agents, StringComparison.Ordinal);
        Assert.Contains("Codegen not configured", project, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Contains("Codegen not configured", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(status!["integrations"]!.AsArray(), i => i!["name"]!.GetValue<string>() == "Codegen" && !i["configured"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateAnonymousClient().GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheAgentRunEndpoints_WithTheirProblems()
    {
        var document = (await factory.CreateApiClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();

        Assert.NotNull(paths["/api/projects/{projectId}/agent-runs"]!["post"]!["responses"]!["503"]);
        Assert.NotNull(paths["/api/agent-runs/{id}"]!["get"]);
        Assert.NotNull(paths["/api/agent-runs/{id}/confirm"]!["post"]!["responses"]!["409"]);
        Assert.NotNull(paths["/api/agent-runs/{id}/reject"]!["post"]!["responses"]!["400"]);
    }

    private async Task<int> AddProjectAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var project = new Project { FullName = $"acme/repo-{Guid.NewGuid():N}", GitHubRepositoryId = Random.Shared.NextInt64(1, long.MaxValue) };
        db.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }
}
