using System.IO.Compression;
using System.Text;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.GitHub;

/// <summary>Bodies are stored compressed and given back byte for byte (signatures are over the bytes).</summary>
public sealed class DeliveryBodyTests
{
    private const string Secret = "delivery-body-secret";

    [Fact]
    public void APullRequestBody_IsStoredInAFractionOfItsSize_AndComesBackByteForByte()
    {
        var json = Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("pull_request.opened.json"));

        var stored = WebhookDeliveryPayload.For(7, json);

        Assert.Equal(json.Length, stored.Length);
        Assert.True(stored.Body!.Length * 4 < json.Length, $"{json.Length} bytes compressed to {stored.Body.Length}");
        Assert.Equal(json, stored.Json());
    }

    [Fact]
    public void AByteChangedInAStoredBody_IsCaughtByItsChecksum_NotHandedOnAsOtherJsonOfTheSameLength()
    {
        var json = Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("pull_request.opened.json"));
        var stored = WebhookDeliveryPayload.For(7, json);
        Assert.Equal(BodyCompression.Zstandard, stored.Compression);

        // A literal in the middle of the frame: decompression alone would not notice the change.
        stored.Body![stored.Body.Length / 2] ^= 0x01;

        var error = Assert.Throws<InvalidDataException>(() => stored.Json());
        Assert.Contains("delivery row 7 is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABodyStoredBrotliCompressed_BeforeZstandard_IsStillRead()
    {
        var json = Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("pull_request.opened.json"));
        var brotli = new byte[BrotliEncoder.GetMaxCompressedLength(json.Length)];
        Assert.True(BrotliEncoder.TryCompress(json, brotli, out var written, quality: 1, window: 22));

        var stored = new WebhookDeliveryPayload
        {
            Id = 7, Body = brotli[..written], Compression = BodyCompression.Brotli, Length = json.Length,
        };

        Assert.Equal(json, stored.Json());
    }

    [Fact]
    public void ADamagedBody_IsReportedAsSuch_NotHandedOnAsJson()
    {
        var stored = WebhookDeliveryPayload.For(7, Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("ping.with-app_id.json")));
        stored.Body![stored.Body.Length / 2] ^= 0xFF;
        stored.Body = stored.Body[..^3];

        var error = Assert.Throws<InvalidDataException>(() => stored.Json());
        Assert.Contains("delivery row 7 is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceivedDelivery_IsStoredCompressed_AndProcessedFromThatForm()
    {
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        var body = GitHubAppFactory.Fixture("ping.with-app_id.json");
        var id = Guid.NewGuid().ToString();

        var response = await factory.CreateAnonymousClient()
            .SendAsync(GitHubAppFactory.Delivery("ping", body, Secret, id));

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var delivery = await factory.WaitForOutcomeAsync(id);
        Assert.Equal(DeliveryStatus.Processed, delivery.Status);
        var stored = await factory.QueryAsync(db => db.Set<WebhookDeliveryPayload>().SingleAsync(p => p.Id == delivery.Id));
        Assert.Null(stored.Payload);
        Assert.Equal(BodyCompression.Zstandard, stored.Compression);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), stored.Length);
        Assert.Equal(body, Encoding.UTF8.GetString(stored.Json()));
        Assert.Contains(factory.Recorded.Events, e => e.DeliveryId == id);
    }

    [Fact]
    public async Task ADamagedStoredBody_FailsItsDeliveryWithTheReason_AndTheRepositoryGoesOn()
    {
        await using var factory = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        factory.Settings["GitHub:WebhookSecret"] = Secret;
        var client = factory.CreateAnonymousClient();
        var damagedId = Guid.NewGuid().ToString();
        await factory.QueryAsync(async db =>
        {
            // What a disk fault would leave: a row whose body no longer decompresses.
            var row = new WebhookDelivery
            {
                DeliveryId = damagedId,
                Event = "ping",
                RepositoryFullName = "Octocoders/Hello-World",
                Status = DeliveryStatus.Received,
                ReceivedAt = DateTimeOffset.UtcNow,
            };
            db.Add(row);
            await db.SaveChangesAsync();
            var body = WebhookDeliveryPayload.For(row.Id, Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("ping.with-app_id.json")));
            body.Body = body.Body![..^4];
            db.Add(body);
            return await db.SaveChangesAsync();
        });
        var nextId = Guid.NewGuid().ToString();

        await client.SendAsync(GitHubAppFactory.Delivery("ping", GitHubAppFactory.Fixture("ping.with-app_id.json"), Secret, nextId));

        var damaged = await factory.WaitForOutcomeAsync(damagedId);
        Assert.Equal(DeliveryStatus.Failed, damaged.Status);
        Assert.Contains("is damaged", damaged.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Processed, (await factory.WaitForOutcomeAsync(nextId)).Status);
    }
}
