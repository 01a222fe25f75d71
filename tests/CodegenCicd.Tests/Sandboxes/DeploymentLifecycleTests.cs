using CodegenCicd.Data;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using CodegenCicd.Sandboxes.Deployments;
using CodegenCicd.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CodegenCicd.Tests.Sandboxes;

/// <summary>Previews that are never torn down by hand still go away: TTL sweeper, restart clean-up.</summary>
public sealed class DeploymentLifecycleTests
{
    private static readonly DeployConfig StartOnly = new() { Start = "npm start", TimeoutSeconds = 60 };

    [Fact]
    public async Task Sweeper_TearsDownPreviewsIdleLongerThanTheTtl_AndKeepsFreshOnes()
    {
        using var factory = new AppFactory();
        factory.Settings["Sandbox:PreviewTtlMinutes"] = "30";
        using var repo = new GitFixture();
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        var registry = factory.Services.GetRequiredService<DeploymentRegistry>();
        var idle = await deployments.DeployAsync(new SandboxSource(1, "owner/sweep", 1, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>()), StartOnly, default);
        var fresh = await deployments.DeployAsync(new SandboxSource(1, "owner/sweep", 2, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>()), StartOnly, default);
        Assert.True(idle.Succeeded && fresh.Succeeded, idle.Error + fresh.Error);
        var idleProcess = registry.Find("owner/sweep", 1)!.Process.ProcessId;
        registry.Find("owner/sweep", 1)!.MarkUsed(DateTimeOffset.UtcNow.AddHours(-1));

        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PreviewSweep>().RunAsync(default);
        }

        Assert.Null(registry.Find("owner/sweep", 1));
        Assert.NotNull(registry.Find("owner/sweep", 2));
        Assert.True(await SandboxTestKit.EventuallyAsync(() => !Directory.Exists($"/proc/{idleProcess}"), TimeSpan.FromSeconds(10)));
        await using var db = factory.Services.CreateAsyncScope();
        var rows = await db.ServiceProvider.GetRequiredService<AppDbContext>().Set<Deployment>()
            .Where(d => d.Repository == "owner/sweep").OrderBy(d => d.PullRequest).ToListAsync();
        Assert.Equal([DeploymentState.Stopped, DeploymentState.Running], rows.Select(r => r.State));
        await deployments.TeardownAsync("owner/sweep", 2, default);
    }

    [Fact]
    public async Task EveryNode_SweepsItsOwnIdlePreviews_OnItsOwnTimer()
    {
        using var factory = new AppFactory();
        factory.Settings["Sandbox:SweepIntervalSeconds"] = "1";
        factory.Settings["Sandbox:PreviewTtlMinutes"] = "30";
        using var repo = new GitFixture();
        var deployments = factory.Services.GetRequiredService<IPreviewDeployments>();
        var registry = factory.Services.GetRequiredService<DeploymentRegistry>();
        var deployed = await deployments.DeployAsync(new SandboxSource(1, "owner/timer", 1, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>()),
            StartOnly, default);
        Assert.True(deployed.Succeeded, deployed.Error);

        registry.Find("owner/timer", 1)!.MarkUsed(DateTimeOffset.UtcNow.AddHours(-1));

        // No job storage involved: the node's own sweeper finds it on its next tick.
        Assert.True(await SandboxTestKit.EventuallyAsync(() => registry.Find("owner/timer", 1) is null, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task AppShutdown_StopsEveryPreview()
    {
        var factory = new AppFactory();
        using var repo = new GitFixture();
        var deployed = await factory.Services.GetRequiredService<IPreviewDeployments>().DeployAsync(
            new SandboxSource(1, "owner/shutdown", 1, repo.HeadSha, repo.CloneUrl, null, new Dictionary<string, string>()), StartOnly, default);
        Assert.True(deployed.Succeeded, deployed.Error);
        var processId = factory.Services.GetRequiredService<DeploymentRegistry>().Find("owner/shutdown", 1)!.Process.ProcessId;

        await factory.DisposeAsync();

        Assert.True(await SandboxTestKit.EventuallyAsync(() => !Directory.Exists($"/proc/{processId}"), TimeSpan.FromSeconds(10)));
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(deployed.LocalUrl));
    }

    [Fact]
    public async Task Restart_StopsSandboxesAnEarlierProcessLeftRunning()
    {
        using var first = new AppFactory();
        _ = first.CreateClient();
        var root = Path.Combine(first.DataDirectory, "sandboxes");
        var workspace = Path.Combine(root, "workspaces", "owner-orphan-pr1-deploy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.125";
        // What a crash leaves: a sandbox over a workspace, detached from any parent that could stop it.
        using (var launcher = System.Diagnostics.Process.Start("sh", ["-c",
            $"setsid bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --unshare-pid --bind {workspace} /workspace -- sleep {marker} </dev/null >/dev/null 2>&1 &"]))
        {
            await launcher.WaitForExitAsync();
        }
        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesWith($"sleep {marker}").Count > 0, TimeSpan.FromSeconds(10)));
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(new Deployment
            {
                Repository = "owner/orphan",
                PullRequest = 1,
                HeadSha = new string('d', 40),
                Host = Environment.MachineName,
                Port = 1,
                ProcessId = 1,
                Workspace = workspace,
                State = DeploymentState.Running,
                StartedAt = DateTimeOffset.UtcNow,
                LastUsedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using var second = new AppFactory();
        second.Settings["ConnectionStrings:App"] = first.Settings["ConnectionStrings:App"];
        second.Settings["Sandbox:Root"] = root;
        _ = second.CreateClient();

        Assert.True(await SandboxTestKit.EventuallyAsync(() => SandboxTestKit.ProcessesWith($"sleep {marker}").Count == 0, TimeSpan.FromSeconds(10)));
        Assert.False(Directory.Exists(workspace));
        await using var check = second.Services.CreateAsyncScope();
        var row = await check.ServiceProvider.GetRequiredService<AppDbContext>().Set<Deployment>().SingleAsync(d => d.Repository == "owner/orphan");
        Assert.Equal(DeploymentState.Stopped, row.State);
    }
}
