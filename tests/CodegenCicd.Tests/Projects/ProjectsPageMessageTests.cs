using System.Net;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Projects;

/// <summary>
/// The live-update script fetches fragments (a project card, a run's body) in the background. One that
/// arrives between a form's redirect and the page it leads to must not use up the page's one-time message.
/// </summary>
public sealed class ProjectsPageMessageTests
{
    [Fact]
    public async Task ACardFetchedBeforeTheRedirectedPage_LeavesItsMessageForThePage()
    {
        using var factory = new AppFactory();
        var kept = await ProjectSeed.AddAsync(factory, "acme/kept", pinned: true);
        var removed = await ProjectSeed.AddAsync(factory, "acme/removed", pinned: true);
        var client = await factory.CreateSignedInClientAsync();

        var remove = await Forms.PostAsync(client, $"/Projects?handler=Remove&id={removed}", []);
        var card = await client.GetAsync($"/Projects?handler=Card&id={kept}");
        var page = await client.GetStringAsync("/Projects");

        Assert.Equal(HttpStatusCode.Redirect, remove.StatusCode);
        Assert.Equal(HttpStatusCode.OK, card.StatusCode);
        Assert.DoesNotContain("Removed acme/removed", await card.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Removed acme/removed. Its history is kept", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }
}
