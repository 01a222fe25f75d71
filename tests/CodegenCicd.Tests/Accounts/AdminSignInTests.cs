using System.Net;
using System.Net.Http.Json;
using CodegenCicd.Accounts;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Accounts;

public sealed class AdminSignInTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Projects")]
    [InlineData("/Settings")]
    public async Task AnonymousPage_RedirectsToSignIn(string path)
    {
        var response = await factory.CreateAnonymousClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/SignIn", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/jobs/enqueued")]
    public async Task AnonymousHangfireDashboard_IsRefused_AlsoFromLocalhost(string path)
    {
        // The test server's requests come from no remote address, which Hangfire's default filter treats as local.
        var response = await factory.CreateAnonymousClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/SignIn", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/status")]
    [InlineData("/openapi/v1.json")]
    public async Task AnonymousApi_Returns401_NotARedirect(string path)
    {
        var response = await factory.CreateAnonymousClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task WrongApiToken_Returns401()
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token-at-all-000000");

        var response = await client.GetAsync("/api/status");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization: Bearer <Admin:ApiToken>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownId_OnTheApi_Answers404WithAProblemBody()
    {
        var response = await factory.CreateApiClient().GetAsync("/api/projects/987654");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/projects/987654", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiToken_ReadsStatus()
    {
        var status = await factory.CreateApiClient().GetFromJsonAsync<StatusDto>("/api/status");

        Assert.NotNull(status);
        Assert.Contains(status.Integrations, i => i.Name == "Codegen" && !i.Configured);
        Assert.True(status.Jobs.Servers >= 1);
    }

    [Fact]
    public async Task PasswordGuesses_AreLimitedToTenAMinute_ShowingTheFormIsNot_AndTheRefusalSaysWhy()
    {
        using var limited = new AppFactory();
        var client = limited.CreateAnonymousClient();

        // Each attempt loads the form first, as a browser does: only the ten posts count.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var refused = await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var limitedResponse = await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = AppFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, limitedResponse.StatusCode);
        Assert.Contains("Too many sign-in attempts", await limitedResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_IsRefused_AndSetsNoSignInCookie()
    {
        var client = factory.CreateAnonymousClient();

        var response = await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = "wrong password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("That password is not right", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task RightPassword_OpensPagesAndDashboard()
    {
        var client = await factory.CreateSignedInClientAsync();

        var home = await client.GetAsync("/");
        var dashboard = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Codegen not configured", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task SignInForm_WithoutAntiforgeryToken_IsRejected()
    {
        var client = factory.CreateAnonymousClient();

        var response = await client.PostAsync("/Account/SignIn",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Password"] = AppFactory.AdminPassword }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AdminCookie_ReachesApi()
    {
        var client = await factory.CreateSignedInClientAsync();

        var response = await client.GetAsync("/api/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private sealed record StatusDto(string Version, List<IntegrationDto> Integrations, JobsDto Jobs);

    private sealed record IntegrationDto(string Name, bool Configured);

    private sealed record JobsDto(long Enqueued, long Servers);
}

public sealed class FirstRunTests : IDisposable
{
    private readonly AppFactory factory = new();

    public FirstRunTests() => factory.Settings["Admin:Password"] = null;

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task WithoutPassword_SignInSendsToFirstRun_AndTheSetupCodeSetsThePassword()
    {
        var client = factory.CreateAnonymousClient();
        Assert.EndsWith("/Account/FirstRun", (await client.GetAsync("/Account/SignIn")).Headers.Location!.ToString(), StringComparison.Ordinal);

        var wrong = await Forms.PostAsync(client, "/Account/FirstRun", new()
        {
            ["SetupCode"] = "not-the-code", ["NewPassword"] = "a new password", ["ConfirmPassword"] = "a new password",
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);

        string code;
        using (var scope = factory.Services.CreateScope())
        {
            code = await scope.ServiceProvider.GetRequiredService<AdminCredentials>().IssueSetupCodeAsync(CancellationToken.None);
        }
        var right = await Forms.PostAsync(client, "/Account/FirstRun", new()
        {
            ["SetupCode"] = code, ["NewPassword"] = "a new password", ["ConfirmPassword"] = "a new password",
        });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        // The code is single-use and the first-run page is closed once a password exists.
        var fresh = factory.CreateAnonymousClient();
        Assert.EndsWith("/Account/SignIn", (await fresh.GetAsync("/Account/FirstRun")).Headers.Location!.ToString(), StringComparison.Ordinal);
        var signIn = await Forms.PostAsync(fresh, "/Account/SignIn", new() { ["Password"] = "a new password" });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}
