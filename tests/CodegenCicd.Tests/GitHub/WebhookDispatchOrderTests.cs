using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Infrastructure;

namespace CodegenCicd.Tests.GitHub;

public sealed class WebhookDispatchOrderTests
{
    private const string Secret = "dispatch-order-secret";

    private static string Ping(string repository) =>
        GitHubAppFactory.Fixture("ping.with-app_id.json").Replace("\"full_name\": \"Octocoders/Hello-World\"",
            $"\"full_name\": \"{repository}\"", StringComparison.Ordinal);

    [Fact]
    public async Task DeliveriesOfOneRepository_RunInOrder_WhileOtherRepositoriesRunAlongside()
    {
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        var client = factory.CreateAnonymousClient();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ours = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString()).ToList();
        var firstStarted = factory.Recorded.Hold(ours[0], release.Task);

        await client.SendAsync(GitHubAppFactory.Delivery("ping", Ping("octo/ordered"), Secret, ours[0]));
        await firstStarted.WaitAsync(TimeSpan.FromSeconds(20));
        foreach (var id in ours.Skip(1))
        {
            await client.SendAsync(GitHubAppFactory.Delivery("ping", Ping("octo/ordered"), Secret, id));
        }
        var other = Guid.NewGuid().ToString();
        await client.SendAsync(GitHubAppFactory.Delivery("ping", Ping("octo/other"), Secret, other));

        // Another repository is not held up by the first one's slow delivery ...
        Assert.Equal(DeliveryStatus.Processed, (await factory.WaitForOutcomeAsync(other)).Status);
        // ... but the first repository's later deliveries wait for it.
        foreach (var id in ours.Skip(1))
        {
            Assert.NotEqual(DeliveryStatus.Processed, (await factory.DeliveryAsync(id))!.Status);
        }
        release.SetResult();
        foreach (var id in ours)
        {
            await factory.WaitForOutcomeAsync(id);
        }
        Assert.Equal(ours, factory.Recorded.Events.Select(e => e.DeliveryId).Where(ours.Contains).ToList());
    }
}
