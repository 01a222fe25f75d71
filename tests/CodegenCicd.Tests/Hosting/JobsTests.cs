using System.Net;
using CodegenCicd.Tests.Infrastructure;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Hosting;

public sealed class JobsTests
{
    [Fact]
    public async Task EnqueuedJob_RunsOnTheInProcessServer_AndIsCountedInMetrics()
    {
        using var factory = new AppFactory();
        var id = Guid.NewGuid().ToString("N");

        factory.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<SignalJob>(j => j.RunAsync(id, "single"));

        Assert.Equal("single", await SignalJob.WaitAsync(id));
        var metrics = await factory.CreateAnonymousClient().GetStringAsync("/metrics");
        Assert.Contains("codegencicd_job_duration_seconds_count{job=\"SignalJob\",outcome=\"succeeded\"}", metrics, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task TwoNodes_ShareOnePostgresDatabaseAndQueue_EachJobRunsOnce()
    {
        var connection = await PostgresFactAttribute.CreateDatabaseAsync();
        AppFactory Node(string? sharedKeyFolder = null)
        {
            var node = new AppFactory();
            // Nodes on one database need one key-encryption certificate (in production: DataProtection:CertificatePath).
            node.Settings["DataProtection:KeyFolder"] = sharedKeyFolder ?? Path.Combine(node.DataDirectory, "keys");
            node.Settings["Database:Provider"] = "PostgreSql";
            node.Settings["ConnectionStrings:App"] = connection;
            node.Settings["Jobs:Storage"] = "PostgreSql";
            node.Settings["ConnectionStrings:Jobs"] = connection;
            return node;
        }

        using var first = Node();
        var ready = await first.CreateAnonymousClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var second = Node(first.Settings["DataProtection:KeyFolder"]);
        Assert.Equal(HttpStatusCode.OK, (await second.CreateAnonymousClient().GetAsync("/readyz")).StatusCode);

        var ids = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var client = first.Services.GetRequiredService<IBackgroundJobClient>();
        foreach (var id in ids)
        {
            client.Enqueue<SignalJob>(j => j.RunAsync(id, "shared"));
        }
        await Task.WhenAll(ids.Select(SignalJob.WaitAsync));

        Assert.All(ids, id => Assert.Equal(1, SignalJob.RunCount(id)));
        var signedIn = await second.CreateSignedInClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/")).StatusCode);
    }
}
