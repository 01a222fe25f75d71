using CodegenCicd.Data;
using CodegenCicd.GitHub.Webhooks.Dispatch;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.GitHub.Webhooks;

/// <summary>
/// The database, not the job storage, is the source of truth (DESIGN.md): the dispatcher claims every
/// Received delivery when it starts, so what a crash left unprocessed runs again by itself. This hosted
/// service handles the deliveries a crash left claimed (Processing): on SQLite this process is the only
/// one using the database, so they go straight back to Received; on PostgreSQL another node may still be
/// running them, so their claims are left to expire (<see cref="WebhookDeliveryJob.AbandonedAfter"/>).
/// </summary>
internal sealed partial class DeliveryRecovery(
    IServiceScopeFactory scopes, DispatchSignal signal, ILogger<DeliveryRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var claims = scope.ServiceProvider.GetRequiredService<DeliveryClaims>();
        var reclaimed = await claims.ReclaimAbandonedAsync(
            new HashSet<long>(), all: db.Database.IsSqlite(), cancellationToken);
        var pending = await db.Set<WebhookDelivery>().AsNoTracking()
            .CountAsync(d => d.Status == DeliveryStatus.Received, cancellationToken);
        if (pending > 0)
        {
            LogRecovered(logger, pending, reclaimed);
            signal.Wake();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Count} webhook deliveries left unprocessed by the last run will be processed now "
            + "({Reclaimed} of them were interrupted mid-way)")]
    private static partial void LogRecovered(ILogger logger, int count, int reclaimed);
}
