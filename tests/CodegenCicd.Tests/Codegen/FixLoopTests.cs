using CodegenCicd.Codegen.Runs;
using CodegenCicd.GitHub;
using CodegenCicd.Pipelines;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using CodegenCicd.Tests.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Codegen;

public sealed class FixLoopTests
{
    private const string Report = "### analysis failed\n`npm test` exited 1\n```\nexpected 200, got 500\n```\nconsole: TypeError: x is undefined";

    [Fact]
    public async Task FailingPipeline_ResumesTheRunWithTheReport_UntilTheLimit_ThenNeedsAPersonAndThePrSaysSo()
    {
        await using var github = await FakeGitHub.StartAsync();
        await using var app = await AgentRunsApp.StartAsync(services: s => s.AddSingleton<IGitHubAppClients>(new FakeGitHubClients(github)));
        var run = await ImplementedRunAsync(app);

        await app.ReportPipelineAsync(Failure(run, pipelineRunId: 501, sha: "aaa111"));
        var first = await app.GetRunAsync(run.Id);
        await app.PollUntilAsync(run.Id, AgentRunStatus.Completed);
        await app.ReportPipelineAsync(Failure(run, pipelineRunId: 502, sha: "bbb222"));
        var second = await app.PollUntilAsync(run.Id, AgentRunStatus.Completed);
        await app.ReportPipelineAsync(Failure(run, pipelineRunId: 503, sha: "ccc333"));
        var stopped = await app.GetRunAsync(run.Id);

        Assert.Equal(AgentRunStatus.Fixing, first.Status);
        Assert.Equal(1, first.Iterations);
        Assert.Equal(2, second.Iterations);
        var fixes = app.Codegen.Received("POST", "/agent/run/resume").Skip(1).Select(r => r.Json!["prompt"]!.GetValue<string>()).ToList();
        Assert.Equal(2, fixes.Count);
        Assert.Contains("expected 200, got 500", fixes[0], StringComparison.Ordinal);
        Assert.Contains("Fix attempt 1 of 2", fixes[0], StringComparison.Ordinal);
        Assert.Contains("https://github.com/acme/widgets/pull/41", fixes[0], StringComparison.Ordinal);
        Assert.Contains("Fix attempt 2 of 2", fixes[1], StringComparison.Ordinal);

        Assert.Equal(AgentRunStatus.NeedsPerson, stopped.Status);
        Assert.Equal(2, stopped.Iterations);
        Assert.Equal([1, 2, 0], stopped.IterationList.Select(i => i.Number));
        Assert.True(stopped.IterationList[2].LimitReached);
        Assert.Null(stopped.IterationList[2].SentAt);
        Assert.True(github.Comments.Count == 1, "requests: " + string.Join(", ", github.Requests.Select(r => $"{r.Method} {r.PathAndQuery}")));
        var comment = github.Comments.Values.Single();
        Assert.Equal(("acme/widgets", 41), (comment.Repository, comment.Number));
        Assert.Contains("a person is needed", comment.Body, StringComparison.Ordinal);
        // Posted with the installation's own token: the fake knows which installation each token belongs to.
        var post = github.Requests.Single(r => r.Method == "POST" && r.PathAndQuery.EndsWith("/issues/41/comments", StringComparison.Ordinal));
        Assert.True(github.TryAuthenticateInstallation(post.Authorization, out var installationId));
        Assert.Equal(4242, installationId);
        Assert.Contains(stopped.History, h => h.Note.Contains("Commented on pull request #41", StringComparison.Ordinal));

        // Later failures change nothing: no more resumes, no more comments.
        await app.ReportPipelineAsync(Failure(run, pipelineRunId: 504, sha: "ddd444"));
        Assert.Equal(3, app.Codegen.Received("POST", "/agent/run/resume").Count());
        Assert.Single(github.Comments);
    }

    [Fact]
    public async Task SameOutcomeDeliveredTwice_IsSentOnce()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await ImplementedRunAsync(app);
        var outcome = Failure(run, pipelineRunId: 700, sha: "abc");

        await app.ReportPipelineAsync(outcome);
        await app.ReportPipelineAsync(outcome);

        var after = await app.GetRunAsync(run.Id);
        Assert.Equal(1, after.Iterations);
        Assert.Single(after.IterationList);
        Assert.Equal(2, app.Codegen.Received("POST", "/agent/run/resume").Count()); // confirmation + one fix
    }

    [Fact]
    public async Task PrNotYetSeenByAPoll_IsLinkedByItsHeadBranch_AfterAskingCodegen()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await app.StartRunAsync("Add a /health endpoint");
        await app.PollUntilAsync(run.Id, AgentRunStatus.AwaitingConfirmation);
        await app.Api.PostAsync($"/api/agent-runs/{run.Id}/confirm", System.Net.Http.Json.JsonContent.Create(new { }));
        // Let the fake open the PR without the app polling (the pipeline heard of it first, from GitHub).
        var fakeRun = app.Codegen.Runs[run.CodegenRunId!.Value];
        while (fakeRun.Script.TryDequeue(out var step))
        {
            fakeRun.Status = step.Status;
            if (step.OpensPullRequest)
            {
                fakeRun.PullRequests.Add(new() { ["id"] = 1, ["title"] = "t", ["url"] = "https://github.com/acme/widgets/pull/41", ["created_at"] = "2025-06-21 11:20:04", ["head_branch_name"] = "codegen-bot/health" });
            }
        }

        await app.ReportPipelineAsync(new PipelineRunOutcome(800, app.ProjectId, "acme/widgets", 41, "codegen-bot/health", "abc", null,
            PipelineConclusion.Failure, Report));

        var after = await app.GetRunAsync(run.Id);
        Assert.Equal("codegen-bot/health", Assert.Single(after.PullRequests).HeadBranch);
        Assert.Equal(AgentRunStatus.Fixing, after.Status);
        Assert.Equal(1, after.Iterations);
    }

    [Fact]
    public async Task PrOfNoAgentRun_IsLeftAlone()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await ImplementedRunAsync(app);

        await app.ReportPipelineAsync(new PipelineRunOutcome(900, app.ProjectId, "acme/widgets", 7, "feature/by-a-person", "abc",
            new Uri("https://github.com/acme/widgets/pull/7"), PipelineConclusion.Failure, Report));

        var after = await app.GetRunAsync(run.Id);
        Assert.Equal(AgentRunStatus.Completed, after.Status);
        Assert.Equal(0, after.Iterations);
        Assert.Single(app.Codegen.Received("POST", "/agent/run/resume"));
    }

    [Fact]
    public async Task PassingPipeline_MarksTheRunSucceeded_AndInfrastructureProblemsAreNotSentToTheAgent()
    {
        await using var app = await AgentRunsApp.StartAsync();
        var run = await ImplementedRunAsync(app);
        var pr = new Uri("https://github.com/acme/widgets/pull/41");

        await app.ReportPipelineAsync(new PipelineRunOutcome(950, app.ProjectId, "acme/widgets", 41, "b", "s1", pr, PipelineConclusion.ActionRequired, "sandbox did not start"));
        var afterInfra = await app.GetRunAsync(run.Id);
        await app.ReportPipelineAsync(new PipelineRunOutcome(951, app.ProjectId, "acme/widgets", 41, "b", "s1", pr, PipelineConclusion.Success, ""));
        var afterSuccess = await app.GetRunAsync(run.Id);

        Assert.Equal(AgentRunStatus.Completed, afterInfra.Status);
        Assert.Equal(0, afterInfra.Iterations);
        Assert.Equal(AgentRunStatus.Succeeded, afterSuccess.Status);
        Assert.Equal("Success", Assert.Single(afterSuccess.PullRequests).LastPipelineConclusion);
        Assert.Single(app.Codegen.Received("POST", "/agent/run/resume"));
    }

    [Fact]
    public async Task ListenerIsRegisteredForThePipeline()
    {
        await using var app = await AgentRunsApp.StartAsync();

        Assert.Contains(app.Factory.Services.GetServices<IPipelineOutcomeListener>(), l => l is AgentRunFixLoop);
    }

    /// <summary>A run taken through plan, confirmation and implementation: it has PR #41 linked.</summary>
    private static async Task<AgentRunDetails> ImplementedRunAsync(AgentRunsApp app)
    {
        var run = await app.StartRunAsync("Add a /health endpoint");
        await app.PollUntilAsync(run.Id, AgentRunStatus.AwaitingConfirmation);
        (await app.Api.PostAsync($"/api/agent-runs/{run.Id}/confirm", System.Net.Http.Json.JsonContent.Create(new { }))).EnsureSuccessStatusCode();
        return await app.PollUntilAsync(run.Id, AgentRunStatus.Completed);
    }

    private static PipelineRunOutcome Failure(AgentRunDetails run, long pipelineRunId, string sha) => new(
        pipelineRunId, run.ProjectId, "acme/widgets", 41, $"codegen-bot/add-endpoint-{run.CodegenRunId}", sha,
        new Uri("https://github.com/acme/widgets/pull/41"), PipelineConclusion.Failure, Report);
}
