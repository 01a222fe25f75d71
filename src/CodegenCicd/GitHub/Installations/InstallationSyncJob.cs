using CodegenCicd.GitHub.Credentials;
using Hangfire;
using Microsoft.Extensions.Options;

namespace CodegenCicd.GitHub.Installations;

/// <summary>
/// Runs <see cref="InstallationSync"/> as a job; does nothing (and says so) until an App is configured.
/// </summary>
[AutomaticRetry(Attempts = 3)]
public sealed partial class InstallationSyncJob(
    AppCredentialsProvider credentials, InstallationSync sync, ILogger<InstallationSyncJob> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await credentials.GetAsync(cancellationToken) is not { CanAuthenticateAsApp: true })
        {
            LogSkipped(logger);
            return;
        }
        var summary = await sync.RunAsync(cancellationToken);
        LogSynced(logger, summary.Installations, summary.Repositories);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Installation sync skipped: no GitHub App is configured yet")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Synced {Installations} installation(s) and {Repositories} repositories from GitHub")]
    private static partial void LogSynced(ILogger logger, int installations, int repositories);
}

/// <summary>Queues one sync when the app starts, so projects reflect installs made while it was down.</summary>
internal sealed class InstallationSyncAtStartup(IBackgroundJobClient jobs, IOptions<GitHubOptions> options)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SyncInstallationsAtStartup)
        {
            jobs.Enqueue<InstallationSyncJob>(job => job.RunAsync(CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
