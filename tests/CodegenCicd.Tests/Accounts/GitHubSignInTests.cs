using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodegenCicd.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Tests.Accounts;

/// <summary>"Sign in with GitHub": the OAuth flow with state and PKCE against the fake GitHub, and where it leads.</summary>
public sealed class GitHubSignInTests
{
    [Fact]
    public async Task SignInPage_OffersGitHub_AndTheAuthorizeRequestCarriesStateAndAnS256Challenge()
    {
        await using var app = await SignInApp.StartAsync();
        var client = app.Factory.CreateAnonymousClient();

        var page = await client.GetStringAsync("/Account/SignIn?ReturnUrl=%2FRuns%2F5");
        await app.AuthorizeAtGitHubAsync(client, "rita", "/Runs/5");

        Assert.Contains("Sign in with GitHub", page, StringComparison.Ordinal);
        Assert.Contains("/Account/SignIn/GitHub?returnUrl=%2FRuns%2F5", page, StringComparison.Ordinal);
        var authorize = Assert.Single(app.GitHub.AuthorizeRequests);
        Assert.Equal(app.GitHub.OAuthClientId, authorize["client_id"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.True(authorize["state"].ToString().Length >= 32);
        Assert.True(authorize["code_challenge"].ToString().Length == 43, "a base64url SHA-256");
        Assert.Equal("http://localhost/Account/SignIn/GitHub/Callback", authorize["redirect_uri"]);
    }

    [Fact]
    public async Task DetailsLinkOfACheckRun_LeadsToSignIn_ThenWithGitHubBackToTheRun()
    {
        await using var app = await SignInApp.StartAsync();
        var client = app.Factory.CreateAnonymousClient();
        var detailsUrl = new Uri(app.Factory.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.DetailsUrl(app.FinishedRun));

        var first = await client.GetAsync(detailsUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var signIn = first.Headers.Location!.OriginalString;
        Assert.StartsWith("http://localhost/Account/SignIn?ReturnUrl=", signIn, StringComparison.Ordinal);
        var returnUrl = Uri.UnescapeDataString(signIn[(signIn.IndexOf('=') + 1)..]);
        Assert.Equal(detailsUrl.AbsolutePath, returnUrl);

        var landed = await app.SignInWithGitHubAsync(client, "rita", returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal(detailsUrl.AbsolutePath, landed.Headers.Location!.OriginalString);
        var runPage = await client.GetAsync(landed.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, runPage.StatusCode);
        var html = await runPage.Content.ReadAsStringAsync();
        Assert.Contains($"Run #{app.FinishedRun}", html, StringComparison.Ordinal);
        Assert.Contains("Signed in as <strong>rita</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallbackWithAStateThisBrowserWasNotGiven_IsRefused_BeforeAnyCodeIsExchanged()
    {
        await using var app = await SignInApp.StartAsync();
        var client = app.Factory.CreateAnonymousClient();
        var callback = await app.AuthorizeAtGitHubAsync(client, "rita", "/");
        var forged = callback.PathAndQuery.Replace("state=", "state=x", StringComparison.Ordinal);

        var answer = await client.GetAsync(forged);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains("state%20does%20not%20match", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(app.GitHub.Requests, r => r.PathAndQuery.StartsWith("/login/oauth/access_token", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Runs")).StatusCode);
    }

    [Fact]
    public async Task ACodeIssuedForAnotherBrowsersChallenge_FailsPkce_AndSignsNobodyIn()
    {
        await using var app = await SignInApp.StartAsync();
        var attacker = app.Factory.CreateAnonymousClient();
        var victim = app.Factory.CreateAnonymousClient();
        // The attacker's own code (bound to the attacker's PKCE challenge), planted in the victim's callback with the victim's state.
        var attackersCode = System.Web.HttpUtility.ParseQueryString((await app.AuthorizeAtGitHubAsync(attacker, "mallory", "/")).Query)["code"];
        var victimsCallback = await app.AuthorizeAtGitHubAsync(victim, "rita", "/");
        var state = System.Web.HttpUtility.ParseQueryString(victimsCallback.Query)["state"];

        var answer = await victim.GetAsync($"{victimsCallback.AbsolutePath}?code={attackersCode}&state={Uri.EscapeDataString(state!)}");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains("bad_verification_code", Uri.UnescapeDataString(answer.Headers.Location!.OriginalString), StringComparison.Ordinal);
        Assert.Equal(["bad_verification_code"], app.GitHub.RefusedExchanges);
        Assert.Equal(HttpStatusCode.Redirect, (await victim.GetAsync("/Runs")).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsEverySessionOfThatGitHubUser_OnlyTheirs()
    {
        await using var app = await SignInApp.StartAsync();
        var laptop = await app.SignedInAsAsync("rita");
        var phone = await app.SignedInAsAsync("rita");
        var walt = await app.SignedInAsAsync("walt");
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/runs")).StatusCode);
        var page = await laptop.GetStringAsync("/Runs");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        var signOut = await laptop.PostAsync("/Account/SignOut", new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await walt.GetAsync("/api/runs")).StatusCode);
    }

    [Fact]
    public async Task TheUsersTokenIsStoredEncrypted_NeverInTheClear()
    {
        await using var app = await SignInApp.StartAsync();
        await app.SignedInAsAsync("rita");

        var stored = await app.Factory.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions
            .SingleAsync(Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.Set<CodegenCicd.Accounts.GitHubUser>())));

        Assert.Equal("rita", stored.Login);
        Assert.DoesNotContain("ghu_", stored.ProtectedToken, StringComparison.Ordinal);
        var exchange = app.GitHub.Requests.Last(r => r.PathAndQuery == "/user");
        Assert.StartsWith("Bearer ghu_", exchange.Authorization, StringComparison.Ordinal);
        Assert.DoesNotContain(exchange.Authorization["Bearer ".Length..], stored.ProtectedToken, StringComparison.Ordinal);
    }
}
