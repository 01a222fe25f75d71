using System.Net;
using System.Net.Sockets;
using CodegenCicd.Notifications;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes.Analysis;
using CodegenCicd.Sandboxes.Snapshots;
using CodegenCicd.Sandboxes.Waking;

namespace CodegenCicd.Sandboxes.Deployments;

/// <summary>
/// The pipeline's seam: analysis and preview deployments in bubblewrap sandboxes. One preview per
/// (repository, PR); a new head supersedes the old one, which is torn down first.
/// </summary>
internal sealed partial class PreviewDeployments(
    WorkspacePreparer preparer,
    SandboxAnalysis analysis,
    DeploymentRegistry registry,
    DeploymentStore store,
    SnapshotStore snapshots,
    ReadinessProbe probe,
    SandboxPaths paths,
    Microsoft.Extensions.Options.IOptions<SandboxOptions> options,
    LiveEvents live,
    PreviewListeners listeners,
    TimeProvider time,
    ILogger<PreviewDeployments> logger) : IPreviewDeployments
{
    /// <summary>
    /// The PORT every preview server is given: each sandbox has its own network namespace, so they never collide.
    /// </summary>
    public const int ServerPort = 8080;

    public Task<AnalysisResult> AnalyzeAsync(
        SandboxSource source, AnalysisConfig config, CancellationToken cancellationToken) =>
        analysis.RunAsync(source, config, [], cancellationToken);

    public Task<AnalysisResult> AnalyzeAsync(
        SandboxSource source, AnalysisConfig config, DeployConfig deploy, CancellationToken cancellationToken) =>
        analysis.RunAsync(source, config, deploy.Setup, cancellationToken);

    public async Task<DeployResult> PrepareAsync(
        SandboxSource source, DeployConfig config, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow().AddSeconds(Math.Max(1, config.TimeoutSeconds));
        var prepared = await preparer.PrepareAsync(source, "prepare", config.Setup, deadline, time, cancellationToken);
        if (prepared.Sandbox is { } sandbox)
        {
            await sandbox.DisposeAsync();
        }
        return new(prepared.Succeeded, prepared.Commands, prepared.SnapshotRestored, prepared.SnapshotKey, null, null,
            prepared.InfrastructureError, prepared.Error);
    }

    public async Task<DeployResult> DeployAsync(
        SandboxSource source, DeployConfig config, CancellationToken cancellationToken)
    {
        using var _ = await registry.LockAsync(source.Repository, source.PullRequest, cancellationToken);
        if (registry.Find(source.Repository, source.PullRequest) is { } current)
        {
            if (current.HeadSha == source.HeadSha && !current.Process.HasExited)
            {
                return current.Result;
            }
            await StopAsync(current, current.HeadSha == source.HeadSha ? "exited" : "superseded");
        }
        if (string.IsNullOrWhiteSpace(config.Start))
        {
            return new(false, [], false, null, null, null,
                Error: "deploy.start is not set: there is nothing to deploy");
        }

        var deadline = time.GetUtcNow().AddSeconds(Math.Max(1, config.TimeoutSeconds));
        var prepared = await preparer.PrepareAsync(source, "deploy", config.Setup, deadline, time, cancellationToken);
        if (!prepared.Succeeded)
        {
            return new(false, prepared.Commands, prepared.SnapshotRestored, prepared.SnapshotKey, null, null,
                prepared.InfrastructureError, prepared.Error);
        }
        var sandbox = prepared.Sandbox!;
        try
        {
            return await StartAsync(source, config, prepared, sandbox, deadline, cancellationToken);
        }
        catch (Exception ex)
            when (ex is SandboxUnavailableException or HostCommandException or System.ComponentModel.Win32Exception)
        {
            await sandbox.TerminateAsync();
            return new(false, prepared.Commands, prepared.SnapshotRestored, prepared.SnapshotKey, null, null,
                InfrastructureError: true, Error: $"the preview could not start: {ex.Message}");
        }
        catch
        {
            await sandbox.TerminateAsync();
            throw;
        }
    }

    private async Task<DeployResult> StartAsync(SandboxSource source, DeployConfig config, PreparedWorkspace prepared,
        ISandbox sandbox, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var commands = prepared.Commands.ToList();
        var environment = new Dictionary<string, string>(source.Secrets)
        {
            ["PORT"] = ServerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)
        };
        Directory.CreateDirectory(paths.Logs);
        var logPath = Path.Combine(paths.Logs, sandbox.Id + ".log");
        var started = time.GetUtcNow();
        var process = await sandbox.StartAsync(config.Start!,
            new ExecuteOptions(TimeSpan.MaxValue, Environment: environment, ServesPort: ServerPort),
            logPath, cancellationToken);
        // The relay's loopback port on the host: only the app's side of the sandbox holds it.
        var localUrl = process.Address
            ?? throw new SandboxUnavailableException("the sandbox gave the preview no address");
        var port = localUrl.Port;
        Readiness readiness;
        try
        {
            readiness = await probe.WaitAsync(new Uri(localUrl, config.ReadyPath.TrimStart('/')), process,
                preparer.Remaining(deadline, time), cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        commands.Add(new CommandResult(new SecretMasker(source.Secrets.Values).Apply(config.Start!),
            process.HasExited ? await process.Exited : 0,
            time.GetUtcNow() - started, process.OutputTail, TimedOut: readiness.TimedOut));
        if (readiness.Error is { } error)
        {
            await process.DisposeAsync();
            await sandbox.TerminateAsync();
            return new(false, commands, prepared.SnapshotRestored, prepared.SnapshotKey, null, null, Error: error);
        }

        var previewPath = PreviewPathOf(source.Repository, source.PullRequest);
        var snapshotId = prepared.SnapshotKey is { } key && snapshots.Exists(key) ? key : null;
        // One capability link per (PR, head): a preview woken after
        // a restart or a sweep keeps the link people were given.
        var token = await store.TokenForAsync(source.Repository, source.PullRequest, source.HeadSha, cancellationToken)
            ?? PreviewCapability.NewToken();
        var id = await store.RecordStartAsync(
            source, port, process.ProcessId, sandbox, snapshotId, token, cancellationToken);
        var result = new DeployResult(true, commands, prepared.SnapshotRestored, prepared.SnapshotKey, localUrl,
            previewPath, DeploymentId: id);
        var lease = snapshotId is null ? NoLease.Instance : snapshots.Lease(snapshotId);
        registry.Add(new LiveDeployment(id, source.Repository, source.PullRequest, source.HeadSha, port, sandbox,
            process, lease, logPath, result, time.GetUtcNow(), token));
        await StopLongestIdleBeyondCapAsync(source);
        live.Publish("preview.started", new
        {
            deploymentId = id, repository = source.Repository, pullRequest = source.PullRequest,
            headSha = source.HeadSha, previewPath,
            snapshotRestored = prepared.SnapshotRestored,
        }, LiveEventAudience.OfRepository(source.Repository));
        await listeners.PreviewChangedAsync(source.Repository, source.PullRequest);
        logger.LogInformation(
            "Preview of {Repository}#{PullRequest} at {Sha} answers on port {Port} (snapshot restored: {Restored})",
            source.Repository, source.PullRequest, source.HeadSha[..12], port, prepared.SnapshotRestored);
        return result;
    }

    public async Task TeardownAsync(string repository, int pullRequest, CancellationToken cancellationToken)
    {
        using var _ = await registry.LockAsync(repository, pullRequest, cancellationToken);
        if (registry.Find(repository, pullRequest) is { } current)
        {
            await StopAsync(current,
                current.Process.HasExited ? current.Process.StopReason ?? "the server exited" : "torn down");
        }
        // Rows left by an earlier process of this app (it crashed or restarted mid-preview).
        await store.StopOrphansAsync(repository, pullRequest, cancellationToken);
    }

    internal async Task StopAsync(LiveDeployment deployment, string reason)
    {
        registry.Remove(deployment.Repository, deployment.PullRequest);
        await deployment.Process.DisposeAsync();
        await deployment.Sandbox.TerminateAsync();
        deployment.SnapshotLease.Dispose();
        try
        {
            await store.RecordStopAsync(deployment.Id, reason, CancellationToken.None);
        }
        catch (Exception ex)
            when (ex is ObjectDisposedException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Shutting down, or the database is away: the process is already stopped, and the next
            // start marks the row stopped when it finds no sandbox over its workspace.
            logger.LogWarning(ex, "Could not record that the preview of {Repository}#{PullRequest} stopped",
                deployment.Repository, deployment.PullRequest);
        }
        live.Publish("preview.stopped",
            new
            {
                deploymentId = deployment.Id, repository = deployment.Repository,
                pullRequest = deployment.PullRequest, reason
            },
            LiveEventAudience.OfRepository(deployment.Repository));
        await listeners.PreviewChangedAsync(deployment.Repository, deployment.PullRequest);
        logger.LogInformation("Preview of {Repository}#{PullRequest} stopped ({Reason})",
            deployment.Repository, deployment.PullRequest, reason);
    }

    public static string PreviewPathOf(string repository, int pullRequest) => $"/preview/{repository}/{pullRequest}/";

    /// <summary>
    /// Past <c>Sandbox:MaxLivePreviews</c>, stops the previews unused for longest (never the one just
    /// started), each under its own PR's lock.
    /// </summary>
    private async Task StopLongestIdleBeyondCapAsync(SandboxSource started)
    {
        var excess = registry.All.Count - options.Value.MaxLivePreviews;
        var victims = registry.All
            .Where(d => !(d.Repository == started.Repository && d.PullRequest == started.PullRequest))
            .OrderBy(d => d.LastUsedAt)
            .Take(Math.Max(0, excess))
            .ToList();
        foreach (var victim in victims)
        {
            using var _ = await registry.LockAsync(victim.Repository, victim.PullRequest, CancellationToken.None);
            if (registry.Find(victim.Repository, victim.PullRequest) == victim)
            {
                await StopAsync(victim,
                    $"stopped: Sandbox:MaxLivePreviews ({options.Value.MaxLivePreviews}) reached, "
                    + "and it was the longest idle");
            }
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
