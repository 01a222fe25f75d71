using System.Collections.Concurrent;
using CodegenCicd.Sandboxes.Deployments;

namespace CodegenCicd.Sandboxes.Waking;

/// <summary>
/// Starts a sleeping preview again, once per PR however many requests ask: from the PR's head
/// commit, restoring its setup snapshot when one matches (the deploy's own snapshot logic). The
/// wake runs in the background, outliving the request that asked, so the waking page can refresh.
/// </summary>
public sealed class PreviewWaker(
    IPreviewDeployments deployments, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<PreviewWaker> logger)
{
    /// <summary>A failed wake is shown this long before the next request tries again.</summary>
    public static readonly TimeSpan FailureShownFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Attempt> attempts = new(StringComparer.Ordinal);

    /// <summary>Starts the wake unless one is under way; null while waking, or why the last attempt failed.</summary>
    public string? Begin(PreviewTarget target)
    {
        var key = DeploymentRegistry.KeyOf(target.Repository, target.PullRequest);
        while (true)
        {
            if (attempts.TryGetValue(key, out var current))
            {
                if (!current.Task.IsCompleted)
                {
                    return null;
                }
                if (current.Error is { } error && time.GetUtcNow() - current.EndedAt < FailureShownFor)
                {
                    return error;
                }
            }
            var next = new Attempt();
            if (current is null ? attempts.TryAdd(key, next) : attempts.TryUpdate(key, next, current))
            {
                next.Task = Task.Run(() => WakeAsync(target, next));
                return null;
            }
        }
    }

    private async Task WakeAsync(PreviewTarget target, Attempt attempt)
    {
        try
        {
            logger.LogInformation("Waking the preview of {Repository}#{PullRequest} at {Sha}", target.Repository,
                target.PullRequest, target.HeadSha[..Math.Min(12, target.HeadSha.Length)]);
            var (source, config) = await target.Deploy(lifetime.ApplicationStopping);
            var result = await deployments.DeployAsync(source, config, lifetime.ApplicationStopping);
            if (!result.Succeeded)
            {
                attempt.Error = result.Error ?? CommandFailure(result) ?? "the app did not start";
            }
        }
        catch (Exception e)
            when (e is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            attempt.Error = e.Message;
        }
        catch (OperationCanceledException)
        {
            attempt.Error = "the app is shutting down";
        }
        finally
        {
            attempt.EndedAt = time.GetUtcNow();
            if (attempt.Error is { } error)
            {
                logger.LogWarning("The preview of {Repository}#{PullRequest} did not wake: {Error}",
                    target.Repository, target.PullRequest, error);
            }
        }
    }

    private static string? CommandFailure(DeployResult result) =>
        result.Commands.FirstOrDefault(c => c.ExitCode != 0 || c.TimedOut) is { } failed
            ? $"`{failed.Command}` failed (exit {failed.ExitCode})"
            : null;

    private sealed class Attempt
    {
        public Task Task { get; set; } = Task.CompletedTask;

        public string? Error { get; set; }

        public DateTimeOffset EndedAt { get; set; }
    }
}
