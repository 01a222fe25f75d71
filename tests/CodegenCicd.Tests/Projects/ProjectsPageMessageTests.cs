using System.Net;
using CodegenCicd.Pipelines.Runs;
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

    [Fact]
    public async Task ACardRequestedBeforeTheMessageWasSet_DoesNotDeleteItWhenItsAnswerArrivesLate()
    {
        // In the browser: the live event for "removed" arrives while the form's POST is under way, so the card's
        // fetch leaves without the message cookie and is answered after the POST set it. An answer that expired
        // the cookie then (empty TempData is saved as a deletion) left the page with no "Removed …".
        using var factory = new AppFactory();
        var kept = await ProjectSeed.AddAsync(factory, "acme/kept", pinned: true);
        var run = await ActivitySeed.AddRunAsync(factory, kept, 4, RunStatus.Running, []);
        var client = await factory.CreateSignedInClientAsync();

        var card = await client.GetAsync($"/Projects?handler=Card&id={kept}");
        var missing = await client.GetAsync("/Projects?handler=Card&id=999999");
        var runBody = await client.GetAsync($"/Runs/{run}?handler=Body");

        Assert.Equal(
            (HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK),
            (card.StatusCode, missing.StatusCode, runBody.StatusCode));
        Assert.Empty(TempDataCookies(card));
        Assert.Empty(TempDataCookies(missing));
        Assert.Empty(TempDataCookies(runBody));
    }

    [Fact]
    public async Task ACardAnsweredAfterThePageUsedTheMessage_DoesNotWriteItBack()
    {
        // The other order: the card's fetch carries the message cookie, the page is answered first and uses the
        // message up. A card answer that wrote the cookie again would show "Removed …" once more on the next page.
        using var factory = new AppFactory();
        var kept = await ProjectSeed.AddAsync(factory, "acme/kept", pinned: true);
        var removed = await ProjectSeed.AddAsync(factory, "acme/removed", pinned: true);
        var client = await factory.CreateSignedInClientAsync();
        await Forms.PostAsync(client, $"/Projects?handler=Remove&id={removed}", []);

        var card = await client.GetAsync($"/Projects?handler=Card&id={kept}");

        Assert.Equal(HttpStatusCode.OK, card.StatusCode);
        Assert.Empty(TempDataCookies(card));
        Assert.Contains("Removed acme/removed", WebUtility.HtmlDecode(await client.GetStringAsync("/Projects")), StringComparison.Ordinal);
        Assert.DoesNotContain("Removed acme/removed", WebUtility.HtmlDecode(await client.GetStringAsync("/Projects")), StringComparison.Ordinal);
    }

    private static IEnumerable<string> TempDataCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Where(c => c.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider", StringComparison.Ordinal))
            : [];
}
