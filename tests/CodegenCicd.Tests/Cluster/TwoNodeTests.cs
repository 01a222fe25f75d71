using System.Net;
using CodegenCicd.Data;
using CodegenCicd.Hosting.Jobs;
using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Pipelines.Stages;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using CodegenCicd.Tests.Sandboxes;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Cluster;

/// <summary>Two nodes on one PostgreSQL database: node A a separate process (so it can be killed), node B this test's app.</summary>
public sealed class TwoNodeTests
{
    [PostgresFact]
    public async Task NodeB_ServesNodeAsPreview_CarriesNodeAsEvents_AndWakesThePreviewWhenNodeAIsKilled()
    {
        var connection = await PostgresFactAttribute.CreateDatabaseAsync();
        using var nodeB = NodeB(connection, sharedJobs: false);
        var clientB = nodeB.CreateApiClient(); // starts B, which migrates the database
        await using var nodeA = NodeA(connection, nodeB, sharedJobs: false);
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

    [PostgresFact]
    public async Task WebEvalOfAPreviewLiveOnNodeA_RunsOnNodeA_EvenWhenNodeBMovesTheRunOn()
    {
        var connection = await PostgresFactAttribute.CreateDatabaseAsync();
        using var nodeB = NodeB(connection, sharedJobs: true);
        _ = nodeB.CreateApiClient();
        await using var nodeA = NodeA(connection, nodeB, sharedJobs: true);
        await nodeA.WaitUntilUpAsync(TimeSpan.FromSeconds(90));
        using var repo = new GitFixture();
        var repository = PreviewRuns.UniqueRepository();
        var seeded = await PreviewRuns.SeedAsync(nodeB.Services, repo, repository, 4, repo.HeadSha);
        var token = await SeedSleepingPreviewAsync(nodeB.Services, repository, 4, repo.HeadSha, "node-a");
        using var direct = new HttpClient { BaseAddress = nodeA.Url };
        await PreviewWakeTests.EventuallyAnswersAsync(direct, $"/p/{token}/", HttpStatusCode.OK);

        long webEvalId;
        await using (var scope = nodeB.Services.CreateAsyncScope())
        {
            // The run deployed on A; its web-eval is next, and B (any node) moves the run on.
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var live = await db.Set<Deployment>().SingleAsync(d => d.Repository == repository && d.State == DeploymentState.Running);
            Assert.Equal("node-a", live.Host);
            var run = await db.Set<PipelineRun>().SingleAsync(r => r.Id == seeded.Id);
            (run.Status, run.CompletedAt, run.DeploymentId) = (RunStatus.Running, null, live.Id);
            run.DeploymentUrl = $"http://127.0.0.1:{live.Port}/";
            var done = DateTimeOffset.UtcNow;
            run.Stages.AddRange(
            [
                new PipelineStage { Kind = StageKind.Analysis, Status = StageStatus.Completed, Conclusion = StageConclusion.Success, CompletedAt = done },
                new PipelineStage { Kind = StageKind.Deploy, Status = StageStatus.Completed, Conclusion = StageConclusion.Success, CompletedAt = done },
                new PipelineStage { Kind = StageKind.WebEval, Status = StageStatus.Queued },
                new PipelineStage { Kind = StageKind.Merge, Status = StageStatus.Completed, Conclusion = StageConclusion.Neutral, CompletedAt = done },
            ]);
            await db.SaveChangesAsync();
            webEvalId = run.Stages.Single(s => s.Kind == StageKind.WebEval).Id;
            await scope.ServiceProvider.GetRequiredService<RunAdvancer>().AdvanceAsync(run.Id, CancellationToken.None);
        }

        var webEval = await Poll.UntilAsync(async () =>
            {
                await using var scope = nodeB.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<PipelineStage>().AsNoTracking()
                    .SingleAsync(s => s.Id == webEvalId);
            },
            s => s.Status == StageStatus.Completed, TimeSpan.FromSeconds(120), s => $"web-eval still {s.Status}: {s.Title}");
        Assert.True(webEval.Conclusion == StageConclusion.Success, $"{webEval.Conclusion}: {webEval.Title} {webEval.Summary}");
        // The job waited on A's own queue and ran on A; no second copy of the preview started on B.
        // (The stage is saved complete a moment before Hangfire records its job as succeeded.)
        var monitoring = nodeB.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var job = await Poll.UntilAsync(() => Task.FromResult(monitoring.SucceededJobs(0, 100)
                .FirstOrDefault(j => j.Value.Job?.Type == typeof(StageJob) && j.Value.Job.Args[0] is long id && id == webEvalId)),
            j => j.Key is not null, TimeSpan.FromSeconds(30), _ => "the web-eval job to be recorded as succeeded");
        var details = monitoring.JobDetails(job.Key);
        Assert.Equal(JobQueues.OfNode("node-a"), details.Job.Queue);
        var processing = details.History.Single(h => h.StateName == "Processing");
        Assert.StartsWith($"{Environment.MachineName}:{nodeA.ProcessId}:", processing.Data["ServerId"], StringComparison.Ordinal);
        Assert.Null(nodeB.Services.GetRequiredService<DeploymentRegistry>().Find(repository, 4));
        await using (var scope = nodeB.Services.CreateAsyncScope())
        {
            var hosts = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<Deployment>().AsNoTracking()
                .Where(d => d.Repository == repository).Select(d => d.Host).ToListAsync();
            Assert.Equal(["node-a", "node-a"], hosts);
        }
    }

    /// <summary>This test's app as node B; with <paramref name="sharedJobs"/>, its job storage is the database's too.</summary>
    private static AppFactory NodeB(string connection, bool sharedJobs)
    {
        var nodeB = new AppFactory();
        nodeB.Settings["Database:Provider"] = "PostgreSql";
        nodeB.Settings["ConnectionStrings:App"] = connection;
        nodeB.Settings["Cluster:NodeName"] = "node-b";
        // Nodes on one database share one key-encryption certificate (production: DataProtection:CertificatePath).
        nodeB.Settings["DataProtection:KeyFolder"] = nodeB.KeyFolder;
        if (sharedJobs)
        {
            nodeB.Settings["Jobs:Storage"] = "PostgreSql";
            nodeB.Settings["ConnectionStrings:Jobs"] = connection;
        }
        return nodeB;
    }

    private static AppNodeProcess NodeA(string connection, AppFactory nodeB, bool sharedJobs)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__App"] = connection,
            ["DataProtection__KeyFolder"] = nodeB.KeyFolder,
            ["Admin__Password"] = AppFactory.AdminPassword,
            ["Cluster__NodeName"] = "node-a",
        };
        if (sharedJobs)
        {
            environment["Jobs__Storage"] = "PostgreSql";
            environment["ConnectionStrings__Jobs"] = connection;
        }
        return new AppNodeProcess(environment);
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
