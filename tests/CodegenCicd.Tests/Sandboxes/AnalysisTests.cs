using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

public sealed class AnalysisTests(AppFactory factory) : IClassFixture<AppFactory>
{
    private IPreviewDeployments Deployments => factory.Services.GetRequiredService<IPreviewDeployments>();

    [Fact]
    public async Task ReportsWrittenToReportsFolder_BecomeAnnotations_AndFailTheAnalysis()
    {
        using var repo = new GitFixture();
        repo.Commit("lint report", new()
        {
            ["lint.sh"] = """
                cat > "$REPORTS/eslint.json" <<JSON
                [{"filePath": "$PWD/server.js", "messages": [{"ruleId": "no-var", "severity": 2, "message": "Unexpected var, token $TOKEN", "line": 5}]}]
                JSON
                """,
        });
        var source = new SandboxSource(1, "owner/analysis", 9, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string> { ["TOKEN"] = "tok-secret-9876" });

        var result = await Deployments.AnalyzeAsync(source, new AnalysisConfig { Commands = ["sh lint.sh", "node --check server.js"] }, default);

        Assert.False(result.Succeeded);
        Assert.False(result.InfrastructureError);
        Assert.Equal([0, 0], result.Commands.Select(c => c.ExitCode));
        var annotation = Assert.Single(result.Annotations);
        Assert.Equal(new CodeAnnotation("server.js", 5, 5, AnnotationLevel.Failure, "Unexpected var, token ***", "no-var"), annotation);
        Assert.Contains("1 error annotation", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalysisAfterSetup_SeesWhatSetupInstalled_AndPassesWhenClean()
    {
        using var repo = new GitFixture();
        var source = new SandboxSource(1, "owner/analysis-setup", 10, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>());
        var deploy = new DeployConfig { Setup = ["mkdir -p tools && printf '#!/bin/sh\\necho linted' > tools/lint && chmod +x tools/lint"] };

        var result = await Deployments.AnalyzeAsync(source, new AnalysisConfig { Commands = ["./tools/lint"] }, deploy, default);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, result.Commands.Count);
        Assert.Contains("linted", result.Commands[^1].OutputTail, StringComparison.Ordinal);
        Assert.Empty(result.Annotations);
    }

    [Fact]
    public async Task NoCommands_SucceedsWithoutStartingASandbox()
    {
        var source = new SandboxSource(1, "owner/none", 1, new string('c', 40), new Uri("file:///nonexistent"), null, new Dictionary<string, string>());

        var result = await Deployments.AnalyzeAsync(source, new AnalysisConfig(), default);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Commands);
    }
}
