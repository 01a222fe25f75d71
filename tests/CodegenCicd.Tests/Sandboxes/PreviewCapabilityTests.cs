using CodegenCicd.Sandboxes.Deployments;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class PreviewCapabilityTests
{
    [Fact]
    public void NewToken_IsUrlSafe_CarriesAtLeast128RandomBits_AndNeverRepeats()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => PreviewCapability.NewToken()).ToList();

        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{32}$", t));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("/p/secret-token/assets/app.js", "/p/***/assets/app.js")]
    [InlineData("/p/secret-token", "/p/***")]
    [InlineData("/preview/acme/shop/3/", "/preview/acme/shop/3/")]
    [InlineData("/projects", "/projects")]
    public void Redact_HidesTheTokenOfACapabilityPath_ForRequestLogs(string path, string logged) =>
        Assert.Equal(logged, PreviewCapability.Redact(path));
}
