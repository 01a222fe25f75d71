using System.Net;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Tests.GitHub;

/// <summary>Two nodes on one PostgreSQL database, both receiving and dispatching deliveries.</summary>
public sealed class WebhookTwoNodeTests
{
    private const string Secret = "two-node-secret";

    [PostgresFact]
    public async Task DeliveriesSentToTwoNodes_AreStoredOnce_AndProcessedOnceByOneOfThem()
    {
        var connection = await PostgresFactAttribute.CreateDatabaseAsync();
        await using var nodeA = Node(connection, "node-a", keyFolder: null);
        var clientA = nodeA.CreateAnonymousClient(); // starts A, which migrates the database
        await using var nodeB = Node(connection, "node-b", nodeA.KeyFolder);
        var clientB = nodeB.CreateAnonymousClient();

        // Every delivery is posted to both nodes at once (as a retrying sender might): one row, one run.
        var ids = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid().ToString()).ToList();
        var responses = await Task.WhenAll(ids.Select((id, i) => new[] { clientA, clientB }.Select(client =>
                client.SendAsync(GitHubAppFactory.Delivery("ping", Ping($"octo/repo{i % 3}"), Secret, id))))
            .SelectMany(t => t));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"got {(int)r.StatusCode}"));
        Assert.Equal(ids.Count, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        foreach (var id in ids)
        {
            Assert.Equal(DeliveryStatus.Processed, (await nodeA.WaitForOutcomeAsync(id)).Status);
        }
        var handled = nodeA.Recorded.Events.Concat(nodeB.Recorded.Events).Select(e => e.DeliveryId).ToList();
        Assert.Equal(ids.Order(), handled.Order());
        Assert.Equal(ids.Count, await nodeA.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync()));
    }

    private static GitHubAppFactory Node(string connection, string name, string? keyFolder)
    {
        var node = new GitHubAppFactory(github: null) { WebhookSecret = Secret };
        node.Settings["GitHub:WebhookSecret"] = Secret;
        node.Settings["Database:Provider"] = "PostgreSql";
        node.Settings["ConnectionStrings:App"] = connection;
        node.Settings["Cluster:NodeName"] = name;
        // Nodes on one database share one key-encryption certificate.
        node.Settings["DataProtection:KeyFolder"] = keyFolder ?? node.KeyFolder;
        return node;
    }

    private static string Ping(string repository) =>
        GitHubAppFactory.Fixture("ping.with-app_id.json").Replace("\"full_name\": \"Octocoders/Hello-World\"",
            $"\"full_name\": \"{repository}\"", StringComparison.Ordinal);
}
