using System.Text.Json;
using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.GitHub;

/// <summary>Every event the App subscribes to costs a stored delivery; it must be one something handles.</summary>
public sealed class AppManifestEventsTests
{
    [Fact]
    public void EverySubscribedEvent_HasAHandler()
    {
        using var factory = new AppFactory();
        var handled = factory.Services.GetServices<IWebhookEventHandler>().SelectMany(h => h.Events).ToHashSet(StringComparer.Ordinal);
        using var manifest = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("app-manifest.json")));

        var subscribed = manifest.RootElement.GetProperty("default_events").EnumerateArray().Select(e => e.GetString()!).ToList();

        Assert.NotEmpty(subscribed);
        Assert.All(subscribed, e => Assert.True(handled.Contains(e), $"app-manifest.json subscribes to '{e}', which no IWebhookEventHandler handles"));
        Assert.DoesNotContain("push", subscribed);
    }

    [Theory]
    [InlineData("https://github.com/", null, "https://github.com/acme/shop")]
    [InlineData("https://ghe.example.com/", 12, "https://ghe.example.com/acme/shop/pull/12")]
    [InlineData("https://example.com/github", 3, "https://example.com/github/acme/shop/pull/3")]
    public void RepositoryUrl_StaysOnTheConfiguredHost(string webUrl, int? pullRequest, string expected)
    {
        Assert.Equal(expected, new GitHubOptions { WebUrl = new Uri(webUrl) }.RepositoryUrl("acme/shop", pullRequest));
    }

    [Fact]
    public void RepositoryUrl_EscapesWhatANameCannotCarryIntoAUrl()
    {
        var options = new GitHubOptions { WebUrl = new Uri("https://github.com/") };

        Assert.Equal("https://github.com/acme/my.site_v2-x", options.RepositoryUrl("acme/my.site_v2-x"));
        Assert.Equal("https://github.com/acme/a%3Fb%23c%20d", options.RepositoryUrl("acme/a?b#c d"));
    }
}
