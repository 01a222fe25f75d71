using System.Text;
using System.Text.Json;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Projects;

namespace CodegenCicd.Tests.GitHub;

/// <summary>
/// A delivery's body is parsed only when a handler reads it: a new pull-request head in a repository nobody pinned
/// is let go unparsed, one in a pinned repository is parsed; a handler that keeps the event can still read it
/// after the processor has given the body's buffer back.
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
    public void ABodyReadAfterItsLeaseIsOver_IsDecompressedAgain_NotReadFromAReturnedBuffer()
    {
        var json = Encoding.UTF8.GetBytes(GitHubAppFactory.Fixture("pull_request.opened.json"));
        var stored = WebhookDeliveryPayload.For(9, json);
        var lease = stored.LendJson();
        Assert.Equal(json, lease.Read(span => span.ToArray()));

        lease.Dispose();
        // Whoever rents the same array next may overwrite it; the lease must not hand it out any more.
        var reused = System.Buffers.ArrayPool<byte>.Shared.Rent(json.Length);
        reused.AsSpan().Fill((byte)'x');

        Assert.Equal(json, lease.Read(span => span.ToArray()));
        var element = lease.Read(span => JsonSerializer.Deserialize<JsonElement>(span));
        Assert.Equal("opened", element.GetProperty("action").GetString());
        System.Buffers.ArrayPool<byte>.Shared.Return(reused);
    }

    private static async Task<string> StoreAsync(GitHubAppFactory factory, string repository)
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
            db.Add(WebhookDeliveryPayload.For(row.Id, "this is not JSON"u8));
            return await db.SaveChangesAsync();
        });
        return deliveryId;
    }
}
