using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodegenCicd.GitHub.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using FakeGitHubServer = CodegenCicd.Tests.Infrastructure.FakeGitHub.FakeGitHub;
using Forms = CodegenCicd.Tests.Infrastructure.Forms;

namespace CodegenCicd.Tests.GitHub;

public sealed partial class SetupFlowTests
{
    /// <summary>An app with no GitHub App configured, pointed at the fake for the API.</summary>
    private static GitHubAppFactory CreateUnconfigured(FakeGitHubServer github)
    {
        var factory = new GitHubAppFactory(github: null);
        factory.Settings["GitHub:ApiUrl"] = github.BaseUrl.ToString();
        factory.Settings["GitHub:WebUrl"] = "https://github.example/";
        return factory;
    }

    private static async Task<(string Action, JsonElement Manifest)> StartAsync(HttpClient admin, string? organization = null)
    {
        var response = await Forms.PostAsync(admin, "/setup", new()
        {
            ["PublicUrl"] = "https://ci.example.com",
            ["Organization"] = organization ?? "",
            ["AppName"] = "",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        var manifest = JsonDocument.Parse(WebUtility.HtmlDecode(ManifestField().Match(html).Groups[1].Value)).RootElement;
        return (action, manifest);
    }

    [Fact]
    public async Task LoopbackPublicUrl_IsRefused_BecauseGitHubCouldNotDeliverWebhooksToIt()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();

        var response = await Forms.PostAsync(admin, "/setup", new() { ["PublicUrl"] = "http://127.0.0.1:5180", ["Organization"] = "", ["AppName"] = "" });

        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("127.0.0.1 is only reachable from this machine, so GitHub could not deliver webhooks to it", html, StringComparison.Ordinal);
        Assert.DoesNotContain("manifest-form", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestFlow_RoundTrips_StoresEncryptedCredentials_AndTheyWorkWithoutARestart()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();

        var (action, manifest) = await StartAsync(admin);
        Assert.StartsWith("https://github.example/settings/apps/new?state=", action, StringComparison.Ordinal);
        Assert.Equal("https://ci.example.com/api/github/webhooks", manifest.GetProperty("hook_attributes").GetProperty("url").GetString());
        Assert.Equal("https://ci.example.com/setup/complete", manifest.GetProperty("redirect_url").GetString());
        Assert.Equal("write", manifest.GetProperty("default_permissions").GetProperty("checks").GetString());

        // GitHub sends the browser back with a one-time code and the state it was given.
        var state = action[(action.IndexOf("state=", StringComparison.Ordinal) + 6)..];
        var complete = await admin.GetAsync($"/setup/complete?code={github.CreateManifestCode()}&state={state}");

        Assert.Equal(HttpStatusCode.Redirect, complete.StatusCode);
        Assert.Equal($"https://github.com/apps/{github.AppSlug}/installations/new", complete.Headers.Location!.ToString());
        var stored = await factory.QueryAsync(db => db.Set<StoredAppCredentials>().AsNoTracking().SingleAsync());
        Assert.Equal(github.AppId, stored.AppId);
        Assert.DoesNotContain("PRIVATE KEY", stored.ProtectedPrivateKey, StringComparison.Ordinal);
        Assert.DoesNotContain(github.WebhookSecret, stored.ProtectedWebhookSecret, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-client-secret", stored.ProtectedClientSecret, StringComparison.Ordinal);

        // In effect at once: webhooks signed with the new secret are accepted, and the App can get tokens.
        var delivery = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), github.WebhookSecret));
        Assert.Equal(HttpStatusCode.Accepted, delivery.StatusCode);
        github.AddInstallation(301, "acme");
        var token = await factory.Services.GetRequiredService<CodegenCicd.GitHub.IGitHubAppClients>().GetInstallationTokenAsync(301, CancellationToken.None);
        Assert.True(github.TryAuthenticateInstallation("token " + token, out _));
        Assert.Contains(github.AppSlug, await admin.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestFlow_ForAnOrganization_PostsToTheOrganizationsSettings()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();

        var (action, _) = await StartAsync(admin, "acme-corp");

        Assert.StartsWith("https://github.example/organizations/acme-corp/settings/apps/new?state=", action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnWithTheWrongState_IsRefused_AndStoresNothing()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();
        await StartAsync(admin);
        var code = github.CreateManifestCode();

        var complete = await admin.GetAsync($"/setup/complete?code={code}&state=forged-state");

        Assert.Equal(HttpStatusCode.BadRequest, complete.StatusCode);
        Assert.Contains("does not match", await complete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<StoredAppCredentials>().CountAsync()));
        Assert.DoesNotContain(github.Requests, r => r.PathAndQuery.StartsWith("/app-manifests/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetupPages_RequireTheAdmin()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var anonymous = factory.CreateAnonymousClient();

        foreach (var path in new[] { "/setup", "/setup/complete?code=x&state=y", "/setup/import", "/installations", "/deliveries" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/SignIn", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ImportForm_ChecksTheKeyWithGitHub_ThenStoresIt()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        await using var factory = CreateUnconfigured(github);
        var admin = await factory.CreateSignedInClientAsync();
        using var wrongKey = System.Security.Cryptography.RSA.Create(2048);

        var refused = await Forms.PostAsync(admin, "/setup/import", new()
        {
            ["AppId"] = github.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PrivateKey"] = wrongKey.ExportRSAPrivateKeyPem(),
            ["WebhookSecret"] = "imported-secret",
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("did not accept", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<StoredAppCredentials>().CountAsync()));

        var imported = await Forms.PostAsync(admin, "/setup/import", new()
        {
            ["AppId"] = github.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PrivateKey"] = github.PrivateKeyPem,
            ["WebhookSecret"] = "imported-secret",
        });
        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        var stored = await factory.QueryAsync(db => db.Set<StoredAppCredentials>().AsNoTracking().SingleAsync());
        Assert.Equal(github.AppSlug, stored.Slug);
        var delivery = await factory.CreateAnonymousClient().SendAsync(
            GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), "imported-secret"));
        Assert.Equal(HttpStatusCode.Accepted, delivery.StatusCode);
    }

    [GeneratedRegex("<form id=\"manifest-form\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"manifest\" value=\"([^\"]+)\"")]
    private static partial Regex ManifestField();
}
