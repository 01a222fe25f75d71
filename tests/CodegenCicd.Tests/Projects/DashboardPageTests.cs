using System.Net;
using CodegenCicd.Projects;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

public sealed class DashboardPageTests
{
    [Theory]
    [InlineData("/Projects?handler=Card&id=1")]
    [InlineData("/Projects/Settings/1")]
    [InlineData("/Projects/Settings/1?tab=secrets")]
    public async Task AnonymousVisitor_IsSentToSignIn(string path)
    {
        using var factory = new AppFactory();
        await ProjectSeed.AddAsync(factory, "acme/private-view", pinned: true);

        var response = await factory.CreateAnonymousClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/SignIn", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoProjects_NoApp_EmptyStateSendsTheAdminToSetup()
    {
        using var factory = new AppFactory();
        var client = await factory.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/Projects");

        Assert.Contains("No projects yet.", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/setup\">create or connect the GitHub App</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("already here", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoProjects_WithAnAppInstalledNowhere_EmptyStateSaysToInstallIt()
    {
        await using var github = await CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub.StartAsync();
        using var factory = new CodegenCicd.Tests.GitHub.GitHubAppFactory(github);
        var client = await factory.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/Projects");

        Assert.Contains("Install the GitHub App on a repository", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/Installations\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddingAReachableRepository_ShowsItsCard_AndRemovingHidesIt()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/shop");
        var client = await factory.CreateSignedInClientAsync();

        var offered = await client.GetStringAsync("/Projects");
        var added = await Forms.PostAsync(client, "/Projects?handler=Add", new() { ["Repository"] = "acme/shop" });
        var dashboard = await client.GetStringAsync("/Projects");
        var removed = await Forms.PostAsync(client, $"/Projects?handler=Remove&id={id}", []);
        var card = await client.GetAsync($"/Projects?handler=Card&id={id}");

        Assert.Contains("<option value=\"acme/shop\"", offered, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains($"id=\"project-{id}\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("Added acme/shop.", dashboard, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, card.StatusCode);
        Assert.True((await ProjectSeed.LoadAsync(factory, id)).IsActive);
    }

    [Fact]
    public async Task AddingARepositoryTheAppCannotReach_SaysSo()
    {
        using var factory = new AppFactory();
        await ProjectSeed.AddAsync(factory, "acme/listed");
        var client = await factory.CreateSignedInClientAsync();

        var response = await Forms.PostAsync(client, "/Projects?handler=Add", new() { ["Repository"] = "acme/elsewhere" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("The App cannot reach acme/elsewhere", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovingAProjectWithARunInProgress_IsRefusedWithAMessage_AndCardShowsTheRun()
    {
        using var factory = new AppFactory();
        var id = await ProjectSeed.AddAsync(factory, "acme/busy", pinned: true);
        using var busy = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddScoped<IProjectActivity>(_ => new BusyProjectActivity(id))));
        var client = busy.CreateClient(new() { AllowAutoRedirect = false });
        await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });

        var response = await Forms.PostAsync(client, $"/Projects?handler=Remove&id={id}", []);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("acme/busy has a run in progress", html, StringComparison.Ordinal);
        Assert.Contains("Run #77", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/preview/acme/busy/5/\"", html, StringComparison.Ordinal);
        Assert.True((await ProjectSeed.LoadAsync(factory, id)).IsPinned);
    }

    [Fact]
    public async Task PostWithoutAntiforgeryToken_IsRefused()
    {
        using var factory = new AppFactory();
        await ProjectSeed.AddAsync(factory, "acme/csrf");
        var client = await factory.CreateSignedInClientAsync();

        var response = await client.PostAsync("/Projects?handler=Add", new FormUrlEncodedContent([new("Repository", "acme/csrf")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("acme/csrf", await client.GetStringAsync("/api/projects"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectCard_LinksToTheConfiguredGitHubHost_ForEnterprise()
    {
        using var factory = new AppFactory();
        factory.Settings["GitHub:WebUrl"] = "https://ghe.example.com/";
        var id = await ProjectSeed.AddAsync(factory, "acme/enterprise-shop", pinned: true);
        var client = await factory.CreateSignedInClientAsync();

        var card = await client.GetStringAsync($"/Projects?handler=Card&id={id}");

        Assert.Contains("href=\"https://ghe.example.com/acme/enterprise-shop\"", card, StringComparison.Ordinal);
        Assert.DoesNotContain("https://github.com/", card, StringComparison.Ordinal);
    }
}
