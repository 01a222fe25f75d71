using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Projects;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// A dispatched delivery's body is decompressed and parsed only when a handler reads it: a new pull-request head in
/// a repository nobody pinned is let go unread, one in a pinned repository is read.
/// </summary>
public sealed class LazyPayloadTests
{
    private const string Secret = "lazy-payload-secret";

    [Fact]
    public async Task AnOpenedPullRequest_OfARepositoryNobodyPinned_IsProcessedWithoutParsingItsBody()
    {
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        await ProjectSeed.AddAsync(factory, "lazy/pinned", pinned: true);
        factory.CreateAnonymousClient(); // starts the app and its dispatcher

        // Bodies that decompress but are no JSON: only a parse can fail them.
        var unpinned = await StoreAsync(factory, "lazy/nobody-pinned-this");
        var pinned = await StoreAsync(factory, "lazy/pinned");

        Assert.Equal(DeliveryStatus.Processed, (await factory.WaitForOutcomeAsync(unpinned)).Status);
        var parsed = await factory.WaitForOutcomeAsync(pinned);
        Assert.Equal(DeliveryStatus.Failed, parsed.Status);
        Assert.Contains("JsonException", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADamagedBody_NoHandlerReads_DoesNotFailItsDelivery_OneThatIsRead_Does()
    {
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        await ProjectSeed.AddAsync(factory, "lazy/pinned", pinned: true);
        factory.CreateAnonymousClient();

        // What a disk fault would leave: bodies that no longer decompress. Decompressing is part of reading.
        var unread = await StoreAsync(factory, "lazy/nobody-pinned-this", damaged: true);
        var read = await StoreAsync(factory, "lazy/pinned", damaged: true);

        Assert.Equal(DeliveryStatus.Processed, (await factory.WaitForOutcomeAsync(unread)).Status);
        var failed = await factory.WaitForOutcomeAsync(read);
        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        Assert.Contains("is damaged", failed.Error, StringComparison.Ordinal);
    }

    /// <summary>A pull_request.opened row stored as intake would (Received), around the idle check at intake.</summary>
    private static async Task<string> StoreAsync(GitHubAppFactory factory, string repository, bool damaged = false)
    {
        var deliveryId = Guid.NewGuid().ToString();
        await factory.QueryAsync(async db =>
        {
            var row = new WebhookDelivery
            {
                DeliveryId = deliveryId,
                Event = "pull_request",
                Action = "opened",
                RepositoryFullName = repository,
                Status = DeliveryStatus.Received,
                ReceivedAt = DateTimeOffset.UtcNow,
            };
            db.Add(row);
            await db.SaveChangesAsync();
            var body = WebhookDeliveryPayload.For(row.Id, "this is not JSON"u8);
            if (damaged)
            {
                body.Body = body.Body![..^2];
            }
            db.Add(body);
            return await db.SaveChangesAsync();
        });
        return deliveryId;
    }
}
