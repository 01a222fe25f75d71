using System.Net;
using System.Text.Json.Nodes;
using CodegenCicd.GitHub.Installations;
using CodegenCicd.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using FakeGitHubServer = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;

namespace CodegenCicd.Tests.GitHub;

public sealed class InstallationTests
{
    private const string Secret = "installation-test-secret";

    private static GitHubAppFactory CreateFactory()
    {
        var factory = new GitHubAppFactory(github: null);
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        return factory;
    }

    private static async Task SendAsync(GitHubAppFactory factory, string @event, string body)
    {
        var deliveryId = Guid.NewGuid().ToString();
        var response = await factory.CreateAnonymousClient().SendAsync(GitHubAppFactory.Delivery(@event, body, Secret, deliveryId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var outcome = await factory.WaitForOutcomeAsync(deliveryId);
        Assert.Null(outcome.Error);
    }

    /// <summary>A real fixture with its installation id replaced, so one test can follow one installation through events.</summary>
    private static string ForInstallation(string fixture, long installationId)
    {
        var json = JsonNode.Parse(GitHubAppFactory.Fixture(fixture))!;
        json["installation"]!["id"] = installationId;
        return json.ToJsonString();
    }

    private static Task<List<Project>> ProjectsAsync(GitHubAppFactory factory) =>
        factory.QueryAsync(db => db.Set<Project>().AsNoTracking().OrderBy(p => p.FullName).ToListAsync());

    [Fact]
    public async Task InstallationCreated_CreatesTheInstallationAndItsProjects_Unpinned()
    {
        await using var factory = CreateFactory();

        await SendAsync(factory, "installation", GitHubAppFactory.Fixture("installation.created.json"));

        var installation = await factory.QueryAsync(db => db.Set<Installation>().AsNoTracking().SingleAsync());
        Assert.Equal((957387L, "Codertocat", "User", true), (installation.Id, installation.AccountLogin, installation.AccountType, installation.IsActive));
        var project = Assert.Single(await ProjectsAsync(factory));
        Assert.Equal(("Codertocat/Hello-World", 957387L, true, false), (project.FullName, project.InstallationId, project.IsActive, project.IsPinned));
    }

    [Fact]
    public async Task RepositoriesAddedThenRemoved_CreateThenDeactivateProjects()
    {
        await using var factory = CreateFactory();
        await SendAsync(factory, "installation", GitHubAppFactory.Fixture("installation.created.json"));

        await SendAsync(factory, "installation_repositories", GitHubAppFactory.Fixture("installation_repositories.added.json"));
        Assert.Equal(["Codertocat/Hello-World", "Codertocat/Space"], (await ProjectsAsync(factory)).Select(p => p.FullName));

        var removed = JsonNode.Parse(ForInstallation("installation_repositories.removed.json", 957387))!;
        removed["repositories_removed"] = JsonNode.Parse(JsonNode.Parse(GitHubAppFactory.Fixture("installation_repositories.added.json"))!["repositories_added"]!.ToJsonString());
        await SendAsync(factory, "installation_repositories", removed.ToJsonString());

        var projects = await ProjectsAsync(factory);
        Assert.True(projects.Single(p => p.FullName == "Codertocat/Hello-World").IsActive);
        Assert.False(projects.Single(p => p.FullName == "Codertocat/Space").IsActive);
    }

    [Fact]
    public async Task InstallEventsArrivingTogether_AreBothApplied()
    {
        // GitHub sends installation.created and installation_repositories within milliseconds; their jobs run in parallel.
        await using var factory = CreateFactory();
        await factory.CreateAnonymousClient().GetAsync("/healthz");

        await Task.WhenAll(
            SendAsync(factory, "installation", GitHubAppFactory.Fixture("installation.created.json")),
            SendAsync(factory, "installation_repositories", GitHubAppFactory.Fixture("installation_repositories.added.json")));

        Assert.Equal(["Codertocat/Hello-World", "Codertocat/Space"], (await ProjectsAsync(factory)).Select(p => p.FullName));
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<Installation>().CountAsync()));
    }

    [Fact]
    public async Task InstallationSuspended_DeactivatesItsProjects_AndUnsuspendReactivatesThem()
    {
        await using var factory = CreateFactory();
        await SendAsync(factory, "installation", GitHubAppFactory.Fixture("installation.created.json"));

        await SendAsync(factory, "installation", ForInstallation("installation.suspend.json", 957387));
        Assert.False(Assert.Single(await ProjectsAsync(factory)).IsActive);
        Assert.True((await factory.QueryAsync(db => db.Set<Installation>().AsNoTracking().SingleAsync())).IsSuspended);

        var unsuspend = JsonNode.Parse(ForInstallation("installation.suspend.json", 957387))!;
        unsuspend["action"] = "unsuspend";
        unsuspend["installation"]!["suspended_at"] = null;
        await SendAsync(factory, "installation", unsuspend.ToJsonString());
        Assert.True(Assert.Single(await ProjectsAsync(factory)).IsActive);
    }

    [Fact]
    public async Task InstallationDeleted_MarksItUninstalled_AndDeactivatesItsProjects()
    {
        await using var factory = CreateFactory();
        await SendAsync(factory, "installation", GitHubAppFactory.Fixture("installation.created.json"));

        await SendAsync(factory, "installation", ForInstallation("installation.deleted.json", 957387));

        Assert.True((await factory.QueryAsync(db => db.Set<Installation>().AsNoTracking().SingleAsync())).IsDeleted);
        Assert.False(Assert.Single(await ProjectsAsync(factory)).IsActive);
    }

    [Fact]
    public async Task SyncFromApi_ListsEveryPage_AndReconcilesRemovalsAndUninstalls()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        var repositories = Enumerable.Range(1, 130).Select(i => new Infrastructure.FakeGitHub.FakeRepository(i, $"acme/repo-{i:D3}")).ToArray();
        var acme = github.AddInstallation(201, "acme", "Organization", repositories);
        github.AddInstallation(202, "octo-user", "User", new Infrastructure.FakeGitHub.FakeRepository(500, "octo-user/site", true, "trunk"));
        await using var factory = new GitHubAppFactory(github);

        async Task<InstallationSync.Summary> SyncAsync()
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<InstallationSync>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(new InstallationSync.Summary(2, 131), await SyncAsync());
        var site = (await ProjectsAsync(factory)).Single(p => p.FullName == "octo-user/site");
        Assert.Equal(("trunk", true, 202L), (site.DefaultBranch, site.IsPrivate, site.InstallationId));

        acme.Repositories.TryRemove(7, out _);
        github.RemoveInstallation(202);
        await SyncAsync();

        var projects = await ProjectsAsync(factory);
        Assert.Equal(131, projects.Count);
        Assert.False(projects.Single(p => p.FullName == "acme/repo-007").IsActive);
        Assert.False(projects.Single(p => p.FullName == "octo-user/site").IsActive);
        Assert.Equal(129, projects.Count(p => p.IsActive));

        var admin = await factory.CreateSignedInClientAsync();
        var page = await admin.GetStringAsync("/installations");
        Assert.Contains("acme/repo-130", page, StringComparison.Ordinal);
        Assert.Contains("uninstalled", page, StringComparison.Ordinal);
    }
}
