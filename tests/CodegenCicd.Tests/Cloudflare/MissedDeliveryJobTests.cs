using CodegenCicd.Cloudflare.Recovery;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.GitHub;
using CodegenCicd.Tests.Infrastructure.FakeGitHub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cloudflare;

public sealed class MissedDeliveryJobTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task RedeliversExactlyTheFailedGuidsNotStoredHere_AcrossCursorPages_AndOnlyOnce()
    {
        await using var github = await FakeGitHub.StartAsync();
        github.HookDeliveriesPageSize = 2; // seven entries: four pages, followed through the Link header
        github.AddHookDelivery(new(1, "ok-guid", Now.AddHours(-1), 202));
        github.AddHookDelivery(new(2, "down-guid", Now.AddMinutes(-50), 0, "pull_request", "opened"));
        github.AddHookDelivery(new(3, "stored-guid", Now.AddMinutes(-40), 502));
        github.AddHookDelivery(new(4, "recovered-guid", Now.AddMinutes(-30), 503));
        github.AddHookDelivery(new(5, "recovered-guid", Now.AddMinutes(-20), 200, Redelivery: true));
        github.AddHookDelivery(new(6, "twice-guid", Now.AddMinutes(-15), 500));
        github.AddHookDelivery(new(7, "twice-guid", Now.AddMinutes(-10), 504, Redelivery: true));
        await using var app = Factory(github);
        var stored = await app.CreateAnonymousClient().SendAsync(GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"),
            github.WebhookSecret, "stored-guid"));
        stored.EnsureSuccessStatusCode();

        var asked = await RunJobAsync(app);

        Assert.Equal(2, asked);
        // The newest failed attempt of each missed GUID is the one redelivered.
        Assert.Equal([2L, 7L], github.RedeliveryRequests.Order());
        var found = await app.QueryAsync(db => db.Set<MissedDelivery>().AsNoTracking().OrderBy(d => d.DeliveryId).ToListAsync());
        Assert.Equal(["down-guid", "twice-guid"], found.Select(d => d.DeliveryId));
        Assert.All(found, d => Assert.Equal(1, d.Attempts));
        Assert.Equal(("pull_request", "opened", 0), (found[0].Event, found[0].Action, found[0].StatusCode));
        Assert.Equal(Now.AddMinutes(-15).ToUnixTimeSeconds(), found[1].DeliveredAt.ToUnixTimeSeconds());

        // Idempotent by GUID: the next run (GitHub's log unchanged, within the hour) asks for nothing.
        Assert.Equal(0, await RunJobAsync(app));
        Assert.Equal(2, github.RedeliveryRequests.Count);
    }

    [Fact]
    public async Task DeliveriesOlderThanTheLookbackAreLeftAlone()
    {
        await using var github = await FakeGitHub.StartAsync();
        github.AddHookDelivery(new(1, "old-guid", Now.AddHours(-30), 502));
        github.AddHookDelivery(new(2, "new-guid", Now.AddMinutes(-5), 502));
        await using var app = Factory(github);
        app.Settings["MissedDeliveries:LookbackHours"] = "6";

        Assert.Equal(1, await RunJobAsync(app));
        Assert.Equal([2L], github.RedeliveryRequests);
    }

    [Fact]
    public async Task AtMostMaxPerRunAreAsked_OldestFirst_TheRestOnTheNextRun()
    {
        await using var github = await FakeGitHub.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            github.AddHookDelivery(new(i, $"guid-{i}", Now.AddMinutes(-60 + i), 0));
        }
        await using var app = Factory(github);
        app.Settings["MissedDeliveries:MaxPerRun"] = "3";

        Assert.Equal(3, await RunJobAsync(app));
        Assert.Equal([1L, 2L, 3L], github.RedeliveryRequests);
        Assert.Equal(2, await RunJobAsync(app));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], github.RedeliveryRequests);
    }

    [Fact]
    public async Task WithoutAGitHubApp_TheJobDoesNothing()
    {
        await using var app = Factory(null);
        Assert.Equal(0, await RunJobAsync(app));
    }

    /// <summary>The app with the job unscheduled: only the test runs it, so counts are the test's alone.</summary>
    private static GitHubAppFactory Factory(FakeGitHub? github)
    {
        var app = new GitHubAppFactory(github);
        app.Settings["MissedDeliveries:Schedule"] = "";
        return app;
    }

    private static async Task<int> RunJobAsync(GitHubAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MissedDeliveryJob>().RunAsync(CancellationToken.None);
    }
}
