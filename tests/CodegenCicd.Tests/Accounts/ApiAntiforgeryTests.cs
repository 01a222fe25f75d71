using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CodegenCicd.Tests.Accounts;

/// <summary>A cookie-authenticated API call that changes something needs the antiforgery header; the bearer token does not.</summary>
public sealed class ApiAntiforgeryTests
{
    [Fact]
    public async Task CookieCall_WithoutAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        await using var app = await SignInApp.StartAsync();
        var password = await app.Factory.CreateSignedInClientAsync();
        var walt = await app.SignedInAsAsync("walt");

        var bare = await password.PostAsync($"/api/runs/{app.RunningRun}/cancel", null);
        var bareGitHub = await walt.PostAsync($"/api/runs/{app.FinishedRun}/rerun", null);
        var confirm = await password.PostAsJsonAsync("/api/agent-runs/1/confirm", new { prompt = "go" });

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("antiforgery", (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bareGitHub.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        Assert.Equal("Running", (await password.GetFromJsonAsync<JsonElement>($"/api/runs/{app.RunningRun}")).GetProperty("status").GetString());
        Assert.Empty((await password.GetFromJsonAsync<JsonElement>("/api/audit")).EnumerateArray());

        var withToken = await SignInApp.SendWithTokenAsync(password, HttpMethod.Post, $"/api/runs/{app.RunningRun}/cancel");
        var bearer = await app.Factory.CreateApiClient().PostAsync($"/api/runs/{app.FinishedRun}/rerun", null);
        Assert.Equal(HttpStatusCode.Accepted, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, bearer.StatusCode);
    }
}
