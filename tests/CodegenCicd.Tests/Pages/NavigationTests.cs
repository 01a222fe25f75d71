using System.Net;
using System.Text.RegularExpressions;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Pages;

public sealed partial class NavigationTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task EveryMainPage_IsInTheNav_AndAnswers()
    {
        var client = await factory.CreateSignedInClientAsync();

        var nav = NavPattern().Match(await client.GetStringAsync("/Projects")).Groups[1].Value;
        var links = HrefPattern().Matches(nav).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["/Projects", "/Runs", "/Agents", "/Settings", "/hangfire"], links);
        foreach (var link in links)
        {
            var response = await client.GetAsync(link);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task InstallationsDeliveriesAndSetup_AreReachableFromSettings()
    {
        var client = await factory.CreateSignedInClientAsync();

        var settings = await client.GetStringAsync("/Settings");
        var links = HrefPattern().Matches(settings).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var page in new[] { "/setup", "/Installations", "/Deliveries" })
        {
            Assert.Contains(page, links);
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex("""<nav aria-label="Main">(.*?)</nav>""", RegexOptions.Singleline)]
    private static partial Regex NavPattern();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefPattern();
}
