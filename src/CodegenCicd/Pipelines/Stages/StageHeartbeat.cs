using CodegenCicd.Data;
using CodegenCicd.Pipelines.Runs;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// Refreshes a running stage's heartbeat from its own database scope, so other workers (and this
/// process after a restart) can tell a live attempt from one whose worker died. A beat that no
/// longer finds its attempt in progress (cancelled on another node, timed out by the watchdog, taken
/// over) stops the attempt: the in-process cancellation signal only reaches this node's stages.
/// </summary>
public sealed class StageHeartbeat(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, TimeProvider time,
    ILogger<StageHeartbeat> logger)
{
    public IAsyncDisposable Start(long stageId, int attempt, TimeSpan lease,
        CancellationTokenSource attemptCancellation)
    {
        // A process going down stops beating at once, so another worker can take the stage over.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        var interval = TimeSpan.FromMilliseconds(Math.Max(100, lease.TotalMilliseconds / 3));
        var loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    if (await BeatAsync(stageId, attempt, stop.Token) == false)
                    {
                        logger.LogInformation(
                            "Stage {StageId} attempt {Attempt} is no longer in progress "
                            + "(cancelled, timed out or taken over); stopping it", stageId, attempt);
                        await attemptCancellation.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped with the stage.
            }
        });
        return new Handle(stop, loop);
    }

    /// <summary>Whether the attempt still owns the stage; null when the database could not be asked.</summary>
    private async Task<bool?> BeatAsync(long stageId, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = time.GetUtcNow();
            return await db.Set<PipelineStage>()
                .Where(s => s.Id == stageId && s.Attempt == attempt && s.Status == StageStatus.InProgress)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.HeartbeatAt, now), cancellationToken) == 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not refresh the heartbeat of stage {StageId}", stageId);
            return null;
        }
    }

    private sealed class Handle(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }
}
