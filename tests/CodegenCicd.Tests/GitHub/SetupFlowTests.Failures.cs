using System.Net;
using CodegenCicd.GitHub.Credentials;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using FakeGitHubServer = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;

namespace CodegenCicd.Tests.GitHub;

/// <summary>The manifest flow's return leg when GitHub's answer is not the happy one: each says why and stores nothing.</summary>
public sealed partial class SetupFlowTests
{
    [Fact]
    public async Task CodeUsedTwice_IsExplained_AndStoresNothingTheSecondTime()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();
        var state = StateOf((await StartAsync(admin)).Action);
        var code = github.CreateManifestCode();
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync($"/setup/complete?code={code}&state={state}")).StatusCode);
        var second = StateOf((await StartAsync(admin)).Action);

        var replay = await admin.GetAsync($"/setup/complete?code={code}&state={second}");

        Assert.Equal(HttpStatusCode.BadGateway, replay.StatusCode);
        var html = WebUtility.HtmlDecode(await replay.Content.ReadAsStringAsync());
        Assert.Contains("GitHub did not convert the code", html, StringComparison.Ordinal);
        Assert.Contains("valid for one hour and only once", html, StringComparison.Ordinal);
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<StoredAppCredentials>().CountAsync()));
    }

    [Fact]
    public async Task ReturnWithoutACode_AsksToStartAgain()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();
        var state = StateOf((await StartAsync(admin)).Action);

        var complete = await admin.GetAsync($"/setup/complete?state={state}");

        Assert.Equal(HttpStatusCode.BadRequest, complete.StatusCode);
        Assert.Contains("GitHub did not send a code back", await complete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(github.Requests, r => r.PathAndQuery.StartsWith("/app-manifests/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppCreatedWithoutAWebhookSecret_IsRefused_BecauseItsDeliveriesCouldNotBeVerified()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        github.Overrides.Enqueue(("POST", "/app-manifests", context => Results.Json(new
        {
            id = github.AppId,
            slug = github.AppSlug,
            html_url = $"https://github.com/apps/{github.AppSlug}",
            client_id = "Iv1.fakeclient",
            client_secret = "fake-client-secret",
            webhook_secret = (string?)null,
            pem = github.PrivateKeyPem,
        }, statusCode: 201).ExecuteAsync(context)));
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();
        var state = StateOf((await StartAsync(admin)).Action);

        var complete = await admin.GetAsync($"/setup/complete?code={github.CreateManifestCode()}&state={state}");

        Assert.Equal(HttpStatusCode.BadGateway, complete.StatusCode);
        Assert.Contains("without a webhook secret", WebUtility.HtmlDecode(await complete.Content.ReadAsStringAsync()),
            StringComparison.Ordinal);
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<StoredAppCredentials>().CountAsync()));
    }

    private static string StateOf(string action) => action[(action.IndexOf("state=", StringComparison.Ordinal) + 6)..];
}
