using System.Net;
using CodegenCicd.Tests.Infrastructure;

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
}
