using CodegenCicd.Codegen.Api;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.Codegen;

/// <summary>
/// Bursts against the documented limits. The windows only move when the test advances them (a sixth
/// of a window per step; windows are shortened to 300 ms so a step is quick), so "at most N per
/// window" is checked exactly rather than by timing.
/// </summary>
public sealed class CodegenRateLimitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BurstOfReads_SendsSixtyPerWindow_AndQueuesTheRestUntilTheWindowMoves()
    {
        await using var host = await CodegenClientHost.StartAsync(ShortWindows);
        var run = await host.Client.CreateRunAsync(new CreateAgentRunRequest("task"), default);
        var reads = Enumerable.Range(0, 80).Select(_ => host.Client.GetRunAsync(run.Id, default)).ToList();

        // The create used one permit of the first window; 59 reads fit in it, 21 wait.
        await WaitUntil(() => host.Limits.AllCalls.GetStatistics()!.CurrentQueuedCount == 21 && host.Fake.Requests.Count == 60);
        Assert.Equal(59, host.Fake.Received("GET", $"/agent/run/{run.Id}").Count());
        Assert.Equal(60, host.Fake.Requests.Count);

        // Five of six segments later the first window's permits are still in use: nothing more is sent.
        for (var i = 0; i < 5; i++)
        {
            await host.Limits.AdvanceSegmentAsync();
        }
        Assert.Equal(21, host.Limits.AllCalls.GetStatistics()!.CurrentQueuedCount);

        await AdvanceUntilAsync(host, Task.WhenAll(reads));

        Assert.Equal(81, host.Fake.Requests.Count);
        Assert.All(reads, r => Assert.Equal(run.Id, r.Result.Id));
    }

    [Fact]
    public async Task BurstOfCreations_StartsTenPerMinute_AndTheRestWhenTheWindowMoves()
    {
        await using var host = await CodegenClientHost.StartAsync(ShortWindows);

        var creations = Enumerable.Range(0, 13).Select(i => host.Client.CreateRunAsync(new CreateAgentRunRequest($"task {i}"), default)).ToList();

        await WaitUntil(() => host.Limits.Creations.GetStatistics()!.CurrentQueuedCount == 3 && host.Fake.Runs.Count == 10);
        var read = await host.Client.GetRunAsync(host.Fake.Runs.Keys.First(), default);
        Assert.NotNull(read); // Other calls are not held up by waiting creations.
        Assert.Equal(10, host.Fake.Received("POST", "/agent/run").Count());

        await AdvanceUntilAsync(host, Task.WhenAll(creations));

        Assert.Equal(13, host.Fake.Runs.Count);
        Assert.Equal(13, host.Fake.Received("POST", "/agent/run").Count());
    }

    [Fact]
    public async Task QueueFull_FailsAtOnceWithAClearMessage_InsteadOfWaitingWithoutBound()
    {
        await using var host = await CodegenClientHost.StartAsync(s =>
        {
            ShortWindows(s);
            s["Codegen:RequestsPerWindow"] = "2";
            s["Codegen:QueueLimit"] = "1";
        });
        var first = await host.Client.ListRunsAsync(0, 10, default);
        var second = await host.Client.ListRunsAsync(0, 10, default);
        var queued = host.Client.ListRunsAsync(0, 10, default);

        var error = await Assert.ThrowsAsync<CodegenApiException>(() => host.Client.ListRunsAsync(0, 10, default));

        Assert.Contains("waiting for the rate limit", error.Message, StringComparison.Ordinal);
        Assert.False(queued.IsCompleted);
        Assert.Equal(2, host.Fake.Requests.Count);
        await AdvanceUntilAsync(host, queued);
        Assert.NotNull(await queued);
        Assert.Equal(0, first.Total);
        Assert.Equal(0, second.Total);
    }

    private static void ShortWindows(Dictionary<string, string?> settings)
    {
        settings["Codegen:RequestWindow"] = "00:00:00.300";
        settings["Codegen:CreationWindow"] = "00:00:00.300";
    }

    /// <summary>Moves the windows on, segment by segment, until the waiting calls are through.</summary>
    private static async Task AdvanceUntilAsync(CodegenClientHost host, Task waiting)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!waiting.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("queued calls were never released");
            }
            await host.Limits.AdvanceSegmentAsync();
            await Task.WhenAny(waiting, Task.Delay(20));
        }
        await waiting;
    }

    private static Task WaitUntil(Func<bool> condition) =>
        Poll.UntilAsync(condition, Deadline, "the condition", TimeSpan.FromMilliseconds(10));
}
