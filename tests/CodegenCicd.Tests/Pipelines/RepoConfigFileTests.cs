using CodegenCicd.Projects;

namespace CodegenCicd.Tests.Pipelines;

public sealed class RepoConfigFileTests
{
    private static readonly PipelineConfig Settings = new()
    {
        Deploy = new DeployConfig { Setup = ["make"], Start = "make run", TimeoutSeconds = 120 },
        Merge = new MergeConfig { Auto = false, Method = MergeMethod.Merge, BlockLabels = ["hold"] },
    };

    [Fact]
    public void FileKeys_OverrideTheSettingsKeyByKey_AndAbsentKeysKeepTheSettings()
    {
        var result = RepoConfigFile.Apply(Settings, """
            deploy:
              start: "npm start"
            merge:
              auto: true
              method: rebase
            """);

        Assert.True(result.IsValid);
        Assert.Equal("npm start", result.Config.Deploy.Start);
        Assert.Equal(["make"], result.Config.Deploy.Setup);
        Assert.Equal(120, result.Config.Deploy.TimeoutSeconds);
        Assert.True(result.Config.Merge.Auto);
        Assert.Equal(MergeMethod.Rebase, result.Config.Merge.Method);
        Assert.Equal(["hold"], result.Config.Merge.BlockLabels);
    }

    [Fact]
    public void UnknownKeys_AreListedWithTheirPath()
    {
        var result = RepoConfigFile.Apply(Settings, "deploy:\n  start: x\n  port: 3000\nautomerge: true\n");

        Assert.True(result.IsValid);
        Assert.Equal(["deploy.port", "automerge"], result.UnknownKeys);
    }

    [Theory]
    [InlineData("deploy:\n  timeout_seconds: soon\n", 2, "deploy.timeout_seconds must be a whole number")]
    [InlineData("merge:\n  auto: maybe\n", 2, "merge.auto must be true or false")]
    [InlineData("deploy: [1, 2]\n", 1, "deploy must be a mapping")]
    [InlineData("deploy:\n  start: x\n bad: indent\n", 3, "")]
    public void InvalidFiles_AreRejectedWithTheLine(string yaml, int line, string reason)
    {
        var result = RepoConfigFile.Apply(Settings, yaml);

        Assert.False(result.IsValid);
        Assert.StartsWith($".github/codegen-cicd.yml line {line}: {reason}", result.Error, StringComparison.Ordinal);
        Assert.Same(Settings, result.Config);
    }

    [Fact]
    public void UnterminatedFlowList_IsRejected_NotThrown()
    {
        var result = RepoConfigFile.Apply(Settings, "deploy:\n  setup: [\"npm ci\"\n  start: x\n");

        Assert.False(result.IsValid);
        Assert.StartsWith(".github/codegen-cicd.yml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_KeepsTheSettings()
    {
        Assert.Same(Settings, RepoConfigFile.Apply(Settings, "# nothing yet\n").Config);
    }
}
