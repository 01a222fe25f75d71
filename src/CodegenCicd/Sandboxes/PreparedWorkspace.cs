using CodegenCicd.Sandboxes.Checkout;
using CodegenCicd.Sandboxes.Snapshots;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Sandboxes;

/// <summary>A sandbox holding a PR's files with setup done (run now, or restored from a snapshot).</summary>
/// <param name="Sandbox">Null when preparation failed before a sandbox existed.</param>
internal sealed record PreparedWorkspace(
    ISandbox? Sandbox,
    IReadOnlyList<CommandResult> Commands,
    bool SnapshotRestored,
    string? SnapshotKey,
    string? Error,
    bool InfrastructureError)
{
    public bool Succeeded => Sandbox is not null && Error is null;
}

/// <summary>
/// Checkout, then snapshot restore or setup: a matching snapshot skips setup entirely; otherwise
/// setup runs and, when it succeeds, its result becomes the snapshot for the next deploy.
/// </summary>
internal sealed class WorkspacePreparer(
    ISandboxProvider provider, GitCheckout checkout, IOptions<SandboxOptions> options,
    ILogger<WorkspacePreparer> logger)
{
    public async Task<PreparedWorkspace> PrepareAsync(SandboxSource source, string purpose, IReadOnlyList<string> setup,
        DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        SourceCheckout fetched;
        try
        {
            fetched = await checkout.FetchAsync(source, cancellationToken);
        }
        catch (Exception ex) when (ex is CheckoutFailedException or SandboxUnavailableException or HostCommandException)
        {
            return new(null, [], false, null, ex.Message, InfrastructureError: true);
        }
        await using var _ = fetched;
        var key = SnapshotKey.Compute(
            source.Repository, source.Trust, setup, source.Secrets.Keys, fetched.Tree, fetched.TrackedFiles);
        var restore = setup.Count > 0 && provider.HasSnapshot(key);
        var snapshotKey = setup.Count > 0 ? key : null;
        ISandbox? sandbox = null;
        try
        {
            sandbox = await provider.CreateAsync(
                new SandboxSpec($"{source.Repository}-pr{source.PullRequest}-{purpose}", restore ? key : null,
                    source.Secrets.Values.ToList()),
                cancellationToken);
            await sandbox.ImportTreeAsync(fetched.Tree, cancellationToken);
            if (restore)
            {
                logger.LogInformation("Restored snapshot {SnapshotKey} for {Repository}#{PullRequest}; setup skipped",
                    key, source.Repository, source.PullRequest);
                return new(sandbox, [], true, snapshotKey, null, false);
            }
            var results = new List<CommandResult>();
            foreach (var command in setup)
            {
                var result = await sandbox.ExecuteAsync(command,
                    new ExecuteOptions(Remaining(deadline, time), Environment: source.Secrets), cancellationToken);
                results.Add(result.ToCommandResult());
                if (!result.Succeeded)
                {
                    await sandbox.TerminateAsync();
                    return new(null, results, false, snapshotKey, $"setup command failed: {result.Command}", false);
                }
            }
            if (setup.Count > 0)
            {
                await KeepSnapshotAsync(sandbox, key, fetched.TrackedFiles, cancellationToken);
            }
            return new(sandbox, results, false, snapshotKey, null, false);
        }
        catch (Exception ex) when (ex is SandboxUnavailableException or HostCommandException
            or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            if (sandbox is not null)
            {
                await sandbox.TerminateAsync();
            }
            return new(null, [], false, snapshotKey, $"the sandbox could not run: {ex.Message}",
                InfrastructureError: true);
        }
        catch
        {
            // Cancelled (a superseding push, shutdown): nothing may outlive the call.
            if (sandbox is not null)
            {
                await sandbox.TerminateAsync();
            }
            throw;
        }
    }

    private async Task KeepSnapshotAsync(
        ISandbox sandbox, string key, IReadOnlyCollection<string> sources, CancellationToken cancellationToken)
    {
        try
        {
            await sandbox.SnapshotAsync(key, sources, cancellationToken);
        }
        catch (Exception ex) when (ex is HostCommandException or IOException)
        {
            // The deploy can go on; only the next one loses its shortcut.
            logger.LogWarning(ex, "Snapshot {SnapshotKey} could not be kept", key);
        }
    }

    /// <summary>
    /// What is left of the deploy's time budget, capped by Sandbox:CommandTimeoutSeconds per command.
    /// </summary>
    public TimeSpan Remaining(DateTimeOffset deadline, TimeProvider time)
    {
        var left = deadline - time.GetUtcNow();
        var cap = TimeSpan.FromSeconds(options.Value.CommandTimeoutSeconds);
        return left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left > cap ? cap : left;
    }
}
