using Hangfire;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Cloudflare.Recovery;

/// <summary>
/// Schedules <see cref="MissedDeliveryJob"/> on <c>MissedDeliveries:Schedule</c> at start-up (or removes
/// it when the schedule is empty), so the cron is configuration rather than code.
/// </summary>
internal sealed class MissedDeliverySchedule(IRecurringJobManager jobs,
    IOptions<MissedDeliveryOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Schedule))
        {
            jobs.RemoveIfExists(MissedDeliveryJob.RecurringJobId);
        }
        else
        {
            jobs.AddOrUpdate<MissedDeliveryJob>(MissedDeliveryJob.RecurringJobId,
                job => job.RunAsync(CancellationToken.None), options.Value.Schedule);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
