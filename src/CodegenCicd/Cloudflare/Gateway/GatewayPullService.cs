using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare.Gateway;

/// <summary>
/// Pull mode's loop: batches back to back while the queue has messages, then a pause of
/// <c>Cloudflare:PullIntervalSeconds</c>. Every node may run it: leases keep one message to one puller.
/// </summary>
internal sealed partial class GatewayPullService(IServiceScopeFactory scopes, IOptions<CloudflareOptions> options,
    TimeProvider time, ILogger<GatewayPullService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured || options.Value.Mode != GatewayMode.Pull)
        {
            return;
        }
        var pause = TimeSpan.FromSeconds(options.Value.PullIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var pulled = 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                pulled = await scope.ServiceProvider.GetRequiredService<GatewayPuller>().PullOnceAsync(stoppingToken);
            }
            // Whatever one batch throws, the loop lives on: an exception escaping a BackgroundService stops
            // the whole app.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPullFailed(logger, ex.Message);
            }
            if (pulled < GatewayPuller.BatchSize)
            {
                try
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulling from the gateway's queue failed: {Error}")]
    private static partial void LogPullFailed(ILogger logger, string error);
}
