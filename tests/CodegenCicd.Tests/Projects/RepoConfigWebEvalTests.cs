using CodegenCicd.Projects;

namespace CodegenCicd.Tests.Projects;

public sealed class RepoConfigWebEvalTests
{
    private static readonly PipelineConfig Settings = new()
    {
        WebEval = new WebEvalConfig
        {
            Pages = ["/"],
            FollowLinks = 1,
            Expect = new Dictionary<string, IReadOnlyList<PageExpectation>> { ["/"] = [new() { Text = "From the admin site" }] },
        },
    };

    [Fact]
    public void FollowLinksAndExpect_InTheFile_ReplaceTheSettings()
    {
        var result = RepoConfigFile.Apply(Settings, """
            web_eval:
              pages: ["/", "/about"]
              follow_links: 2
              expect:
                "/about":
                  selector: "h1.title"
                  text: "About us"
                "/": "Welcome"
            """);

        Assert.True(result.IsValid, result.Error);
        Assert.Empty(result.UnknownKeys);
        Assert.Equal(2, result.Config.WebEval.FollowLinks);
        Assert.Equal([new PageExpectation { Selector = "h1.title", Text = "About us" }], result.Config.WebEval.Expect["/about"]);
        Assert.Equal([new PageExpectation { Text = "Welcome" }], result.Config.WebEval.Expect["/"]);
    }

    [Fact]
    public void AFileWithoutThem_KeepsTheSettingsFollowLinksAndExpectations()
    {
        var result = RepoConfigFile.Apply(Settings, "web_eval:\n  task: Sign up\n");

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(1, result.Config.WebEval.FollowLinks);
        Assert.Equal("From the admin site", Assert.Single(result.Config.WebEval.Expect["/"]).Text);
    }

    [Theory]
    [InlineData("web_eval:\n  follow_links: 99\n", "line 2: web_eval.follow_links must be a whole number from 0 to 10")]
    [InlineData("web_eval:\n  follow_links: deep\n", "line 2: web_eval.follow_links must be a whole number from 0 to 10")]
    [InlineData("web_eval:\n  expect:\n    about: Hello\n", "web_eval.expect keys are page paths starting with '/', not 'about'")]
    [InlineData("web_eval:\n  expect:\n    /about: {}\n", "line 3: web_eval.expect./about needs a selector, a text or both")]
    [InlineData("web_eval:\n  expect: [a, b]\n", "line 2: web_eval.expect must be a mapping of keys")]
    [InlineData("web_eval:\n  expect:\n    /: [Hi, {}]\n", "web_eval.expect./[1] needs a selector, a text or both")]
    public void InvalidValues_FailWithTheLineAndWhatIsExpected(string yaml, string error)
    {
        var result = RepoConfigFile.Apply(Settings, yaml);

        Assert.False(result.IsValid);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
        Assert.Equal(Settings, result.Config);
    }

    [Fact]
    public void AListOfExpectationsForOnePage_KeepsEveryOne()
    {
        var result = RepoConfigFile.Apply(Settings, """
            web_eval:
              expect:
                "/":
                  - selector: h1
                    text: Title
                  - Body text
            """);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal([new PageExpectation { Selector = "h1", Text = "Title" }, new PageExpectation { Text = "Body text" }], result.Config.WebEval.Expect["/"]);
    }

    [Fact]
    public void SettingsStoredWithOneExpectationPerPage_StillLoad_AsAListOfOne()
    {
        var stored = """{"pipeline":{"webEval":{"pages":["/"],"expect":{"/about":{"selector":"h1","text":"About us"}}}}}""";

        var settings = ProjectSettings.Converter.ConvertFromProvider(stored) as ProjectSettings;

        Assert.Equal([new PageExpectation { Selector = "h1", Text = "About us" }], settings!.Pipeline.WebEval.Expect["/about"]);
        Assert.Contains("\"/about\":[{", (string)ProjectSettings.Converter.ConvertToProvider(settings)!, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeysInsideAnExpectation_AreReportedWithTheirPath()
    {
        var result = RepoConfigFile.Apply(Settings, "web_eval:\n  expect:\n    /:\n      text: Hi\n      colour: red\n");

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(["web_eval.expect./.colour"], result.UnknownKeys);
        Assert.Equal("Hi", Assert.Single(result.Config.WebEval.Expect["/"]).Text);
    }

    [Fact]
    public void Validator_RejectsAnExpectationWithoutPageOrCheck_AndFollowLinksOutOfRange()
    {
        var settings = new ProjectSettings
        {
            Pipeline = new PipelineConfig
            {
                WebEval = new WebEvalConfig
                {
                    FollowLinks = 11,
                    Expect = new Dictionary<string, IReadOnlyList<PageExpectation>> { ["/ok"] = [new() { Text = "Fine" }, new() { Selector = " " }] },
                },
            },
        };

        var errors = SettingsValidator.Validate(settings);

        Assert.Equal(["Links are followed 0 to 10 levels deep."], errors["pipeline.webEval.followLinks"]);
        Assert.Equal(["The expectation for /ok needs a selector, a text or both."], errors["pipeline.webEval.expect"]);
    }
}
