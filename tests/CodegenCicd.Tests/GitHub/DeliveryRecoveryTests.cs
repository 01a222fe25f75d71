using CodegenCicd.GitHub.Webhooks;

namespace CodegenCicd.Tests.GitHub;

public sealed class DeliveryRecoveryTests
{
    [Fact]
    public async Task DeliveryStoredButNeverRun_IsProcessedAfterARestart()
    {
        // In-memory job storage forgets queued jobs on restart; the stored delivery must not be lost.
        // The second app owns the database file, so its disposal (after its host stops) removes it.
        await using var after = new GitHubAppFactory(github: null);
        var database = after.Settings["ConnectionStrings:App"];
        var deliveryId = Guid.NewGuid().ToString();
        await using (var before = new GitHubAppFactory(github: null))
        {
            before.Settings["ConnectionStrings:App"] = database;
            before.Settings["GitHub:WebhookSecret"] = "recovery-secret";
            await before.QueryAsync(async db =>
            {
                // What a crash between "stored" and "enqueued" leaves behind.
                var delivery = new WebhookDelivery
                {
                    DeliveryId = deliveryId,
                    Event = "ping",
                    Status = DeliveryStatus.Received,
                    ReceivedAt = DateTimeOffset.UtcNow,
                };
                db.Add(delivery);
                await db.SaveChangesAsync();
                // As text, the way rows were stored before bodies were compressed: such rows still run.
                db.Add(new WebhookDeliveryPayload { Id = delivery.Id, Payload = GitHubAppFactory.Fixture("ping.with-app_id.json") });
                return await db.SaveChangesAsync();
            });
        }

        after.Settings["GitHub:WebhookSecret"] = "recovery-secret";
        _ = after.Services; // start the host: recovery runs at start-up

        var recovered = await after.WaitForOutcomeAsync(deliveryId);
        Assert.Equal(DeliveryStatus.Processed, recovered.Status);
        Assert.Equal(deliveryId, Assert.Single(after.Recorded.Events).DeliveryId);
    }
}
