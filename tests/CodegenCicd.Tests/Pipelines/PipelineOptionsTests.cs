using CodegenCicd.Pipelines;
using Microsoft.Extensions.Configuration;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PipelineOptionsTests
{
    private static readonly Uri BuiltIn = new("http://localhost:5000/");

    [Theory]
    [InlineData("http://127.0.0.1:5180", "http://127.0.0.1:5180/")]
    [InlineData("http://+:8080;https://+:8443", "http://localhost:8080/")]
    [InlineData("http://0.0.0.0:80", "http://localhost/")]
    public void WithoutAPublicUrl_LinksUseTheAddressTheAppListensOn(string urls, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();

        Assert.Equal(new Uri(expected), PipelineOptions.DefaultPublicUrl(BuiltIn, configuration));
    }

    [Fact]
    public void AConfiguredPublicUrl_Wins()
    {
        var configured = new Uri("https://ci.example.com/");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:5180",
            ["Pipelines:PublicUrl"] = configured.ToString(),
        }).Build();

        Assert.Equal(configured, PipelineOptions.DefaultPublicUrl(configured, configuration));
    }
}
