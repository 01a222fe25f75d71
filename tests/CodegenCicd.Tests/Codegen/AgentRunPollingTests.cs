using CodegenCicd.Codegen.Runs;
using CodegenCicd.Notifications;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Codegen;

/// <summary>
/// Runs alone: Hangfire.AspNetCore points the process-wide job activator at the newest host, so a job
/// run while other test hosts start and stop can be activated from a disposed container.
/// </summary>
[Collection(HangfireEndToEnd.Name)]
public sealed class AgentRunPollingTests
{
    [Fact]
    public async Task RecurringJob_PollsActiveRunsThroughHangfire_AndPublishesLiveUpdates()
    {
        await using var app = await AgentRunsApp.StartAsync(configure: f => f.Settings["Codegen:PollInterval"] = "00:00:00");
        var events = app.Factory.Services.GetRequiredService<LiveEvents>();
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var planReady = WaitForEventAsync(events, AgentRunStatus.AwaitingConfirmation, listening.Token);
        var run = await app.StartRunAsync("Add a /health endpoint");
        var recurring = app.Factory.Services.GetRequiredService<IRecurringJobManager>();

        // Each sweep polls once and the fake moves one step: PENDING → ACTIVE → COMPLETE (the plan).
        // One trigger at a time: wait for its poll (or the plan) before the next, so sweeps never pile up.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        int Polls() => app.Codegen.Received("GET", $"/agent/run/{run.CodegenRunId}").Count();
        async Task<bool> PlanReadyAsync() => (await app.GetRunAsync(run.Id)).Status == AgentRunStatus.AwaitingConfirmation;
        while (!await PlanReadyAsync())
        {
            var before = Polls();
            recurring.Trigger(AgentRunPollJob.RecurringJobId);
            while (Polls() == before && !await PlanReadyAsync())
            {
                Assert.True(DateTime.UtcNow < deadline, "the recurring job never brought the run to its plan");
                await Task.Delay(50);
            }
        }

        var update = await planReady;
        Assert.Equal(run.Id, update.Id);
        Assert.Equal(app.ProjectId, update.ProjectId);
        Assert.True(app.Codegen.Received("GET", $"/agent/run/{run.CodegenRunId}").Count() >= 3);
    }

    [Theory]
    [InlineData(0, 15)]
    [InlineData(4, 15)]
    [InlineData(10, 60)]
    [InlineData(45, 300)]
    [InlineData(300, 900)]
    public void PollingBacksOff_AsARunsStateAges(int ageMinutes, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), PollSchedule.NextDelay(TimeSpan.FromMinutes(ageMinutes), TimeSpan.FromSeconds(15)));

    private static async Task<AgentRunUpdated> WaitForEventAsync(LiveEvents events, AgentRunStatus status, CancellationToken cancellationToken)
    {
        await foreach (var item in events.SubscribeAsync(cancellationToken))
        {
            if (item.Type == AgentRunTransitions.LiveEventType && item.Data is AgentRunUpdated update && update.Status == status.ToString())
            {
                return update;
            }
        }
        throw new InvalidOperationException("stream ended");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public static class HangfireEndToEnd
{
    public const string Name = "Hangfire end to end (not parallel)";
}
