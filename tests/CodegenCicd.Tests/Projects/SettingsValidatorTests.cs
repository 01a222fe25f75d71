using CodegenCicd.Projects;

namespace CodegenCicd.Tests.Projects;

public sealed class SettingsValidatorTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(SettingsValidator.Validate(new ProjectSettings(), "main"));

    [Theory]
    [InlineData("defaultBranch", "feature..x")]
    [InlineData("defaultBranch", "has space")]
    [InlineData("deployTestBranch", "bad~name")]
    public void BadBranchNames_AreRefused(string field, string branch)
    {
        var settings = field == "deployTestBranch" ? new ProjectSettings { DeployTestBranch = branch } : new ProjectSettings();

        var errors = SettingsValidator.Validate(settings, field == "defaultBranch" ? branch : "main");

        Assert.Contains("not a valid branch name", Assert.Single(errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public void LabelsAndTimeouts_OutOfRange_AreRefused()
    {
        var settings = new ProjectSettings
        {
            Pipeline = new PipelineConfig
            {
                Deploy = new DeployConfig { TimeoutSeconds = 5, Start = "npm start\nrm -rf /" },
                Merge = new MergeConfig { RequireLabel = new string('l', 51), BlockLabels = ["wip", "WIP"] },
            },
        };

        var errors = SettingsValidator.Validate(settings);

        Assert.Equal(
            ["pipeline.deploy.start", "pipeline.deploy.timeoutSeconds", "pipeline.merge.blockLabels", "pipeline.merge.requireLabel"],
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
