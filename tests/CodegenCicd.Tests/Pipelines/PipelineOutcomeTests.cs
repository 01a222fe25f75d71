using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CodegenCicd.Notifications;
using CodegenCicd.Pipelines;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Sandboxes;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Pipelines;

public sealed class PipelineOutcomeTests
{
    private sealed class RecordingListener : IPipelineOutcomeListener
    {
        public ConcurrentQueue<PipelineRunOutcome> Outcomes { get; } = new();

        public Task OnRunCompletedAsync(PipelineRunOutcome outcome, CancellationToken cancellationToken)
        {
            Outcomes.Enqueue(outcome);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task FailedRun_TellsTheOutcomeListeners_WithAReportTheAuthorCanActOn()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var listener = new RecordingListener();
        harness.ConfigureServices = services => services.AddSingleton<IPipelineOutcomeListener>(listener);
        harness.Deployments.OnDeploy = (source, config, ct) => Task.FromResult(new DeployResult(false,
            [new CommandResult("npm ci", 1, TimeSpan.FromSeconds(2), "npm ERR! code ERESOLVE", false)], false, null, null, null));
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "pull_request.opened");

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Failed);
        var outcome = Assert.Single(listener.Outcomes);
        Assert.Equal((run.Id, PipelineConclusion.Failure, harness.Sample.HeadSha, "feature/greeting"), (outcome.RunId, outcome.Conclusion, outcome.HeadSha, outcome.HeadBranch));
        Assert.Contains("`npm ci` exited with code 1", outcome.FailureReport, StringComparison.Ordinal);
        Assert.Contains("ERESOLVE", outcome.FailureReport, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckSuiteRequested_StartsARunForItsPullRequest()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();

        await harness.DeliverAsync(app, "check_suite.requested", patch: payload =>
        {
            var repositoryId = payload["repository"]!["id"]!.GetValue<long>();
            payload["check_suite"]!["pull_requests"] = new JsonArray(new JsonObject
            {
                ["number"] = 7,
                ["head"] = new JsonObject { ["ref"] = "feature/greeting", ["sha"] = harness.Sample.HeadSha, ["repo"] = new JsonObject { ["id"] = repositoryId } },
                ["base"] = new JsonObject { ["ref"] = "main", ["sha"] = "0000000", ["repo"] = new JsonObject { ["id"] = repositoryId } },
            });
        });

        var run = await PipelineHarness.WaitForSettledRunAsync(app, RunStatus.Succeeded);
        Assert.Equal(("check_suite.requested", harness.Sample.HeadSha), (run.Trigger, run.HeadSha));
        Assert.Single(harness.GitHub.Merges);
    }

    [Fact]
    public async Task RunAndStageChanges_ArePublishedAsLiveEvents()
    {
        await using var harness = await PipelineHarness.StartAsync();
        var app = await harness.StartAppAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new ConcurrentQueue<(string Type, string Json)>();
        var listening = Task.Run(async () =>
        {
            await foreach (var item in app.Services.GetRequiredService<LiveEvents>().SubscribeAsync(stop.Token))
            {
                seen.Enqueue((item.Type, System.Text.Json.JsonSerializer.Serialize(item.Data)));
                if (item.Type == "run.updated" && seen.Last().Json.Contains("\"Succeeded\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
        });
        // The subscription is live once a probe event comes through it.
        var live = app.Services.GetRequiredService<LiveEvents>();
        while (!seen.Any(e => e.Type == "test.probe"))
        {
            live.Publish("test.probe", new { });
            await Task.Delay(20, stop.Token);
        }

        await harness.DeliverAsync(app, "pull_request.opened");

        await listening.WaitAsync(stop.Token);
        Assert.Contains(seen, e => e.Type == "stage.updated" && e.Json.Contains("\"stage\":\"web-eval\"", StringComparison.Ordinal)
            && e.Json.Contains("\"conclusion\":\"Success\"", StringComparison.Ordinal));
        Assert.Contains(seen, e => e.Type == "run.updated" && e.Json.Contains("\"status\":\"Running\"", StringComparison.Ordinal));
    }
}
