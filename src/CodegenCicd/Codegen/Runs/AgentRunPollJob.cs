using CodegenCicd.Codegen.Api;
using CodegenCicd.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace CodegenCicd.Codegen.Runs;

/// <summary>
/// Codegen has no callbacks, so working runs are polled: a recurring sweep (every minute) polls the
/// runs whose next-poll time has come, and a one-off poll follows each change. Safe to run twice.
/// </summary>
public sealed class AgentRunPollJob(IServiceScopeFactory scopes, TimeProvider time, ILogger<AgentRunPollJob> logger)
{
    public const string RecurringJobId = "codegen-agent-runs";

    /// <summary>At most this many runs per sweep, so one sweep stays well inside the rate limit's window.</summary>
    public const int MaxRunsPerSweep = 40;

    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    [AutomaticRetry(Attempts = 0)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        List<int> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (!scope.ServiceProvider.GetRequiredService<CodegenClient>().IsConfigured)
            {
                return;
            }
            var now = time.GetUtcNow();
            // Compared in memory: SQLite cannot order or compare DateTimeOffset columns in SQL.
            var candidates = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<AgentRun>()
                .AsNoTracking()
                .Where(r => AgentRunStatuses.Polled.Contains(r.Status) && r.NextPollAt != null)
                .Select(r => new { r.Id, r.NextPollAt })
                .ToListAsync(cancellationToken);
            due = [.. candidates
                .Where(r => r.NextPollAt <= now)
                .OrderBy(r => r.NextPollAt)
                .Take(MaxRunsPerSweep)
                .Select(r => r.Id)];
        }
        foreach (var id in due)
        {
            await PollRunAsync(id, cancellationToken);
        }
    }

    /// <summary>Polls one run in its own scope; a Codegen error is logged and retried at the next due time.</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task PollRunAsync(int agentRunId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<AgentRunTracker>().PollAsync(agentRunId, cancellationToken);
        }
        catch (CodegenApiException e)
        {
            logger.LogWarning("Polling agent run {AgentRunId} failed: {Reason}", agentRunId, e.Message);
        }
        catch (CodegenNotConfiguredException)
        {
            // Configuration was removed after the run started; the pages say "Codegen not configured".
        }
    }
}
