using System.Net;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.WebEval;

namespace CodegenCicd.Tests.EndToEnd;

/// <summary>
/// A pull request through the real pieces together: signed webhook → delivery job → pipeline →
/// checkout with an installation token → bubblewrap preview of the sample app → Chromium → check
/// runs, PR comment and merge on the fake GitHub.
/// </summary>
public sealed class PullRequestEndToEndTests
{
    private static readonly string[] CheckNames =
        ["CodegenCICD / analysis", "CodegenCICD / deploy", "CodegenCICD / merge", "CodegenCICD / web-eval"];

    [Fact]
    public async Task HealthyPullRequest_IsDeployedCheckedInTheBrowserAndMerged_WithFourGreenCheckRunsAndAPreviewComment()
    {
        Chromium.Require();
        await using var scenario = await PullRequestScenario.StartAsync();
        var head = scenario.PullRequestState.HeadSha;

        var response = await scenario.OpenPullRequestAsync();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await scenario.WaitForFinishedRunAsync(TimeSpan.FromSeconds(90));

        Assert.True(run.Status == RunStatus.Succeeded, PipelineDescription(scenario, run));
        var checks = scenario.CheckRunsOfHead();
        Assert.Equal(CheckNames, checks.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks, c => Assert.Equal(("completed", "success"), (c.Status, c.Conclusion)));
        Assert.Contains("/preview/" + scenario.Repository + "/12/", checks.Single(c => c.Name == "CodegenCICD / deploy").Summary, StringComparison.Ordinal);
        var webEval = checks.Single(c => c.Name == "CodegenCICD / web-eval");
        Assert.Contains("https://ci.example.test/Reports/WebEval?key=", webEval.Text, StringComparison.Ordinal);

        // The commit came over git's HTTP protocol with an installation token the App minted, in a header only.
        Assert.True(scenario.GitHub.AccessTokenRequests > 0);
        Assert.NotEmpty(scenario.GitServer.Requests);
        Assert.All(scenario.GitServer.Requests, r => Assert.StartsWith("Basic ", r.Authorization, StringComparison.Ordinal));

        var merge = Assert.Single(scenario.GitHub.Merges);
        Assert.Equal((scenario.Repository, PullRequestScenario.PullRequest, head, "rebase"), (merge.Repository, merge.Number, merge.Sha, merge.Method));
        Assert.True(scenario.PullRequestState.Merged);
        var comment = Assert.Single(scenario.GitHub.Comments.Values, c => c.Repository == scenario.Repository);
        Assert.Contains($"**Preview:** https://ci.example.test/preview/{scenario.Repository}/12/", comment.Body, StringComparison.Ordinal);

        // The check run's report link opens the report the browser wrote, with its screenshots.
        var admin = await scenario.App.CreateSignedInClientAsync();
        var text = webEval.Text!;
        var reportLink = new Uri(text[text.IndexOf("/Reports/WebEval?key=", StringComparison.Ordinal)..].Split(')', ' ', '\n')[0], UriKind.Relative);
        var report = await admin.GetAsync(reportLink);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Contains("/about", await report.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var runPage = await admin.GetStringAsync($"/Runs/{run.Id}");
        Assert.Contains(WebUtility.HtmlEncode(reportLink.ToString()), runPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullRequestWhosePageThrows_FailsWebEvalQuotingTheError_AndIsNotMerged()
    {
        Chromium.Require();
        await using var scenario = await PullRequestScenario.StartAsync();
        var server = await File.ReadAllTextAsync(Path.Combine(scenario.Repo.Folder, "server.js"));
        var broken = server.Replace("<p>Served from the sandbox.</p>",
            "<p>Served from the sandbox.</p><script>throw new Error(\\\"greeting widget exploded\\\")</script>", StringComparison.Ordinal);
        Assert.NotEqual(server, broken);
        scenario.PullRequestState.HeadSha = scenario.Repo.Commit("greeting widget", new() { ["server.js"] = broken });

        await scenario.OpenPullRequestAsync();
        var run = await scenario.WaitForFinishedRunAsync(TimeSpan.FromSeconds(90));

        Assert.True(run.Status == RunStatus.Failed, PipelineDescription(scenario, run));
        var checks = scenario.CheckRunsOfHead().ToDictionary(c => c.Name);
        Assert.Equal(CheckNames, checks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("success", checks["CodegenCICD / deploy"].Conclusion);
        var webEval = checks["CodegenCICD / web-eval"];
        Assert.Equal(("completed", "failure"), (webEval.Status, webEval.Conclusion));
        Assert.Contains("greeting widget exploded", webEval.Summary + webEval.Text, StringComparison.Ordinal);
        Assert.NotEqual("success", checks["CodegenCICD / merge"].Conclusion);
        Assert.Empty(scenario.GitHub.Merges);
        Assert.False(scenario.PullRequestState.Merged);
    }

    [Fact]
    public async Task WhileGitHubStillComputesMergeability_TheGateLooksAgainEverySecond_AndMergesOnceItIsKnown()
    {
        Chromium.Require();
        await using var scenario = await PullRequestScenario.StartAsync(configure: app => app.Settings["Pipelines:MergeabilityRecheckSeconds"] = "1");
        (scenario.PullRequestState.Mergeable, scenario.PullRequestState.MergeableState) = (null, "unknown");
        var pullPath = $"/repos/{scenario.Repository}/pulls/{PullRequestScenario.PullRequest}";
        int MergeabilityReads() => scenario.GitHub.Requests.Count(r => r.Method == "GET" && r.PathAndQuery == pullPath);

        await scenario.OpenPullRequestAsync();
        await scenario.WaitForRunAsync(r => r.Status == RunStatus.Waiting, TimeSpan.FromSeconds(90));
        var readsWhenWaiting = MergeabilityReads();

        // Each re-check is a delayed job due a second later: three take a few seconds, not the 30 s and more of Hangfire's 15 s schedule poll.
        await Poll.UntilAsync(() => Task.FromResult(MergeabilityReads()), reads => reads >= readsWhenWaiting + 3, TimeSpan.FromSeconds(25),
            reads => $"only {reads - readsWhenWaiting} re-checks in 25 s", TimeSpan.FromMilliseconds(100));
        (scenario.PullRequestState.Mergeable, scenario.PullRequestState.MergeableState) = (true, "clean");

        var run = await scenario.WaitForFinishedRunAsync(TimeSpan.FromSeconds(30));
        Assert.True(run.Status == RunStatus.Succeeded, PipelineDescription(scenario, run));
        Assert.Equal(scenario.PullRequestState.HeadSha, Assert.Single(scenario.GitHub.Merges).Sha);
    }

    private static string PipelineDescription(PullRequestScenario scenario, PipelineRun run) =>
        Pipelines.PipelineHarness.Describe(run) + "\n" + string.Join("\n", run.Stages.Select(s => $"{s.Kind}: {s.Summary}"))
        + "\nCheck runs: " + string.Join("; ", scenario.GitHub.CheckRuns.Values.Select(c => $"{c.Name}={c.Conclusion}: {c.Summary}"));
}
