using CodegenCicd.GitHub.Webhooks.Dispatch;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// The dispatcher claims again only when a claim may find something: under a burst on one repository that
/// it is already running, a claim after every committed batch would scan the whole backlog each time.
/// </summary>
public sealed class DispatchSignalTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly HashSet<string> Running = new(StringComparer.Ordinal) { "octo/busy" };

    [Fact]
    public async Task DeliveriesOnlyOfRunningRepositories_DoNotAskForAClaim()
    {
        var signal = new DispatchSignal();
        signal.Stored(["octo/busy", "octo/busy"]);

        Assert.False(await signal.WaitAsync(Long, () => Running, CancellationToken.None));
    }

    [Fact]
    public async Task ADeliveryOfAnIdleRepository_AsksForAClaim_EvenBesideBusyOnes()
    {
        var signal = new DispatchSignal();
        signal.Stored(["octo/busy"]);
        signal.Stored(["octo/idle"]);

        Assert.True(await signal.WaitAsync(Long, () => Running, CancellationToken.None));
    }

    [Fact]
    public async Task ADeliveryWithoutRepository_OrAPlainWake_AsksForAClaim()
    {
        var signal = new DispatchSignal();
        signal.Stored([null]);
        Assert.True(await signal.WaitAsync(Long, () => Running, CancellationToken.None));

        signal.Stored(["octo/busy"]);
        signal.Wake(); // e.g. a lane finished: its repository's next deliveries are claimable now
        Assert.True(await signal.WaitAsync(Long, () => Running, CancellationToken.None));
    }

    [Fact]
    public async Task WhatWasSeenIsForgotten_SoTheNextWaitWaitsForNewNews()
    {
        var signal = new DispatchSignal();
        signal.Stored(["octo/idle"]);
        Assert.True(await signal.WaitAsync(Long, () => Running, CancellationToken.None));

        // Nothing new: the wait ends by its timeout, which also asks for a claim (other nodes' deliveries).
        var next = signal.WaitAsync(TimeSpan.FromMilliseconds(50), () => Running, CancellationToken.None);
        Assert.True(await next);
        signal.Stored(["octo/busy"]);
        Assert.False(await signal.WaitAsync(Long, () => Running, CancellationToken.None));
    }
}
