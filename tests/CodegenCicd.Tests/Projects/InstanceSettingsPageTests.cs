using System.Net;
using CodegenCicd.Accounts;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Projects;

public sealed class InstanceSettingsPageTests
{
    [Fact]
    public async Task SettingsPage_ListsIntegrationsAndGitHubAppLinks()
    {
        using var factory = new AppFactory();
        var client = await factory.CreateSignedInClientAsync();

        var html = await client.GetStringAsync("/Settings");

        Assert.Contains("not configured", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/Installations\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\"", html, StringComparison.Ordinal);
        Assert.Contains("set by configuration", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingThePassword_ChecksTheCurrentOne_ThenTheNewOneSignsIn()
    {
        using var factory = new AppFactory();
        factory.Settings["Admin:Password"] = null;
        var client = factory.CreateAnonymousClient();
        string code;
        using (var scope = factory.Services.CreateScope())
        {
            code = await scope.ServiceProvider.GetRequiredService<AdminCredentials>().IssueSetupCodeAsync(CancellationToken.None);
        }
        await Forms.PostAsync(client, "/Account/FirstRun", new() { ["SetupCode"] = code, ["NewPassword"] = "first password 1", ["ConfirmPassword"] = "first password 1" });
        await Forms.PostAsync(client, "/Account/SignIn", new() { ["Password"] = "first password 1" });

        var wrong = await Forms.PostAsync(client, "/Settings?handler=Password",
            new() { ["CurrentPassword"] = "not it", ["NewPassword"] = "second password 2", ["ConfirmPassword"] = "second password 2" });
        var changed = await Forms.PostAsync(client, "/Settings?handler=Password",
            new() { ["CurrentPassword"] = "first password 1", ["NewPassword"] = "second password 2", ["ConfirmPassword"] = "second password 2" });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("The current password is not right.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        using var verify = factory.Services.CreateScope();
        var credentials = verify.ServiceProvider.GetRequiredService<AdminCredentials>();
        Assert.True(await credentials.VerifyPasswordAsync("second password 2", CancellationToken.None));
        Assert.False(await credentials.VerifyPasswordAsync("first password 1", CancellationToken.None));
    }

    [Fact]
    public async Task ChangingThePassword_SignsOtherSessionsOut_ButKeepsThisOne()
    {
        using var factory = new AppFactory();
        factory.Settings["Admin:Password"] = null;
        string code;
        using (var scope = factory.Services.CreateScope())
        {
            code = await scope.ServiceProvider.GetRequiredService<AdminCredentials>().IssueSetupCodeAsync(CancellationToken.None);
        }
        var mine = factory.CreateAnonymousClient();
        await Forms.PostAsync(mine, "/Account/FirstRun", new() { ["SetupCode"] = code, ["NewPassword"] = "first password 1", ["ConfirmPassword"] = "first password 1" });
        var other = factory.CreateAnonymousClient();
        await Forms.PostAsync(other, "/Account/SignIn", new() { ["Password"] = "first password 1" });
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/Settings")).StatusCode);

        await Forms.PostAsync(mine, "/Settings?handler=Password",
            new() { ["CurrentPassword"] = "first password 1", ["NewPassword"] = "second password 2", ["ConfirmPassword"] = "second password 2" });

        Assert.Equal(HttpStatusCode.OK, (await mine.GetAsync("/Settings")).StatusCode);
        var stale = await other.GetAsync("/Settings");
        Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
        Assert.StartsWith("/Account/SignIn", stale.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
