using Hangfire;

namespace CodegenCicd.Codegen.Runs;

/// <summary>Registers the minutely sweep of working agent runs with Hangfire at start-up (idempotent across nodes).</summary>
public sealed class AgentRunPollingRegistration(IRecurringJobManager recurringJobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<AgentRunPollJob>(AgentRunPollJob.RecurringJobId, j => j.SweepAsync(CancellationToken.None), Cron.Minutely());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
