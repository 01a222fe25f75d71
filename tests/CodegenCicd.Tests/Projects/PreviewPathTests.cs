using CodegenCicd.Projects;

namespace CodegenCicd.Tests.Projects;

/// <summary>web_eval.pages names paths of the preview; an absolute URL would send the browser to another host.</summary>
public sealed class PreviewPathTests
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("file:///etc/passwd")]
    public void AbsoluteUrlInTheRepositoryFile_FailsNamingTheEntry(string page)
    {
        var result = RepoConfigFile.Apply(new PipelineConfig(), $"""
            web_eval:
              pages: ["/", "{page.Replace("\\", "\\\\", StringComparison.Ordinal)}"]
            """);

        Assert.False(result.IsValid);
        Assert.Contains("web_eval.pages[1]", result.Error, StringComparison.Ordinal);
        Assert.Contains(page, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsoluteUrlInTheSettings_IsRefusedOnThePagesField()
    {
        var settings = new ProjectSettings { Pipeline = new PipelineConfig { WebEval = new WebEvalConfig { Pages = ["/", "//127.0.0.1:5432/"] } } };

        var errors = SettingsValidator.Validate(settings);

        var message = Assert.Single(errors["pipeline.webEval.pages"]);
        Assert.Contains("'//127.0.0.1:5432/'", message, StringComparison.Ordinal);
        Assert.Contains("another host", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/about?tab=1#top")]
    [InlineData("/a//b")]
    public void PathsOfThePreview_AreAccepted(string page) => Assert.Null(PreviewPath.Problem(page));
}
