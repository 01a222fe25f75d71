using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;

namespace CodegenCicd.Tests.Pipelines;

public sealed class CheckRunReportingTests
{
    [Fact]
    public async Task ManyFindings_AreSentInBatchesOf50_AndLongLogsAreCutToGitHubsLimit()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var findings = Enumerable.Range(1, 120)
            .Select(i => new CodeAnnotation("server.js", i, i, AnnotationLevel.Failure, $"no-undef: 'greeting{i}' is not defined", "eslint")).ToList();
        harness.Deployments.OnAnalyze = (source, config) => new AnalysisResult(false,
            [new CommandResult(config.Commands[0], 1, TimeSpan.FromSeconds(3), new string('x', 100_000), false)], findings);
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Failed);
        var analysis = Assert.Single(harness.GitHub.CheckRunsFor(run.HeadSha, "CodegenCICD / analysis"));
        Assert.Equal("failure", analysis.Conclusion);
        Assert.Equal(120, analysis.Annotations.Count);
        Assert.Equal(findings.Select(f => f.StartLine), analysis.Annotations.Select(a => a["start_line"]!.GetValue<int>()));
        Assert.Equal("failure", analysis.Annotations[0]["annotation_level"]!.GetValue<string>());
        Assert.True(analysis.Text!.Length <= 65_535);
        Assert.EndsWith("the full log is on the run page)", analysis.Text, StringComparison.Ordinal);
        Assert.Contains("`node --check server.js` exited with code 1", analysis.Summary, StringComparison.Ordinal);
        // The stored log keeps everything for the run page.
        Assert.True(run.Stages.Single(s => s.Kind == StageKind.Analysis).Log!.Length > 100_000);
    }
}
