using System.Net;
using CodegenCicd.Data;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CodegenCicd.Tests.Cluster;

/// <summary>Two nodes on one PostgreSQL database: node A a separate process (so it can be killed), node B this test's app.</summary>
public sealed class TwoNodeTests
{
    [PostgresFact]
    public async Task NodeB_ServesNodeAsPreview_CarriesNodeAsEvents_AndWakesThePreviewWhenNodeAIsKilled()
    {
        var database = "cicd_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(PostgresFactAttribute.ConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(PostgresFactAttribute.ConnectionString) { Database = database }.ConnectionString;
        using var nodeB = new AppFactory();
        nodeB.Settings["Database:Provider"] = "PostgreSql";
        nodeB.Settings["ConnectionStrings:App"] = connection;
        nodeB.Settings["Cluster:NodeName"] = "node-b";
        // Nodes on one database share one key-encryption certificate (production: DataProtection:CertificatePath).
        nodeB.Settings["DataProtection:KeyFolder"] = nodeB.KeyFolder;
        var clientB = nodeB.CreateApiClient(); // starts B, which migrates the database
        await using var nodeA = new AppNodeProcess(new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__App"] = connection,
            ["DataProtection__KeyFolder"] = nodeB.KeyFolder,
            ["Admin__Password"] = AppFactory.AdminPassword,
            ["Cluster__NodeName"] = "node-a",
        });
        await nodeA.WaitUntilUpAsync(TimeSpan.FromSeconds(90));

        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        await PreviewRuns.SeedAsync(nodeB.Services, repo, repository, 9, repo.HeadSha);
        var token = await SeedSleepingPreviewAsync(nodeB.Services, repository, 9, repo.HeadSha, "node-a");

        // B's live stream, open before anything happens on A.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var events = await clientB.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Contains("ready", await reader.ReadLineAsync(timeout.Token), StringComparison.Ordinal);

        // A wakes the preview (its first request), publishing preview.started on A.
        using var direct = new HttpClient { BaseAddress = nodeA.Url };
        await PreviewWakeTests.EventuallyAnswersAsync(direct, $"/p/{token}/", HttpStatusCode.OK);

        // B's stream carries A's event.
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !(line.Contains("preview.started", StringComparison.Ordinal) && line.Contains(repository, StringComparison.Ordinal)));
        Assert.NotNull(line);

        // B serves A's preview through the same /p/ link, by forwarding to A.
        var anonymousB = nodeB.CreateAnonymousClient();
        var throughB = await anonymousB.GetAsync($"/p/{token}/");
        Assert.Equal(HttpStatusCode.OK, throughB.StatusCode);
        Assert.Contains("Sample app", await throughB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var registryB = nodeB.Services.GetRequiredService<DeploymentRegistry>();
        Assert.Null(registryB.Find(repository, 9));

        // A dies without a word; B's next request finds it gone and wakes the preview itself, on the same link.
        await nodeA.KillAsync();
        var woken = await PreviewWakeTests.EventuallyAnswersAsync(anonymousB, $"/p/{token}/", HttpStatusCode.OK);
        Assert.Contains("Sample app", await woken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(token, registryB.Find(repository, 9)!.PreviewToken);
        await using var scope = nodeB.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Deployment>().AsNoTracking()
            .Where(d => d.Repository == repository).OrderBy(d => d.Id).ToListAsync();
        Assert.Equal(["node-a", "node-a", "node-b"], rows.Select(r => r.Host));
        Assert.Equal("its node is gone", rows[1].StopReason);
        await nodeB.Services.GetRequiredService<CodegenCicd.Sandboxes.IPreviewDeployments>().TeardownAsync(repository, 9, default);
    }

    /// <summary>A preview node A once ran and stopped (say, an idle sweep): its link is known, its process is not running anywhere.</summary>
    private static async Task<string> SeedSleepingPreviewAsync(IServiceProvider services, string repository, int pr, string headSha, string node)
    {
        var token = PreviewCapability.NewToken();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.Add(new Deployment
        {
            Repository = repository,
            PullRequest = pr,
            HeadSha = headSha,
            Host = node,
            Workspace = "/nowhere",
            State = DeploymentState.Stopped,
            StopReason = "idle",
            StartedAt = DateTimeOffset.UtcNow.AddHours(-2),
            LastUsedAt = DateTimeOffset.UtcNow.AddHours(-2),
            StoppedAt = DateTimeOffset.UtcNow.AddHours(-1),
            PreviewTokenHash = PreviewTokens.Hash(token),
            ProtectedPreviewToken = scope.ServiceProvider.GetRequiredService<PreviewTokens>().Protect(token),
        });
        await db.SaveChangesAsync();
        return token;
    }
}
