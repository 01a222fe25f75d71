using CodegenCicd.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cluster;

/// <summary>
/// Registers this node (name, <c>Cluster:NodeUrl</c>) and refreshes its heartbeat every
/// <c>Cluster:HeartbeatSeconds</c>; at a clean shutdown it says it is gone at once, so the other
/// nodes wake its previews without waiting out the timeout.
/// </summary>
internal sealed class NodeHeartbeat(
    IServiceScopeFactory scopes, IOptions<ClusterOptions> options, TimeProvider time, ILogger<NodeHeartbeat> logger)
    : BackgroundService
{
    private readonly DateTimeOffset startedAt = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), time);
        do
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be away or not yet migrated; the next beat tries again.
                logger.LogWarning("Cluster heartbeat of {Node} not recorded: {Reason}", options.Value.Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var name = options.Value.Name;
        var now = time.GetUtcNow();
        var url = options.Value.NodeUrl?.ToString();
        var updated = await db.Set<ClusterNode>().Where(n => n.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.HeartbeatAt, now).SetProperty(n => n.Url, url),
                cancellationToken);
        if (updated == 0)
        {
            db.Add(new ClusterNode { Name = name, Url = url, StartedAt = startedAt, HeartbeatAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another process of the same name registered first; the next beat updates it.
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var name = options.Value.Name;
            var gone = DateTimeOffset.UnixEpoch;
            await db.Set<ClusterNode>().Where(n => n.Name == name)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.HeartbeatAt, gone), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not record that node {Node} stopped: {Reason}", options.Value.Name, e.Message);
        }
    }
}
