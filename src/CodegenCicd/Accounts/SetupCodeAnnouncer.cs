namespace CodegenCicd.Accounts;

/// <summary>
/// At start-up, while no admin password exists, logs a one-time setup code (as Jenkins does); the
/// first-run page exchanges it for a password. Each start issues a new code.
/// </summary>
internal sealed class SetupCodeAnnouncer(IServiceScopeFactory scopes, ILogger<SetupCodeAnnouncer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var credentials = scope.ServiceProvider.GetRequiredService<AdminCredentials>();
        if (!await credentials.NeedsFirstRunAsync(cancellationToken))
        {
            return;
        }
        var code = await credentials.IssueSetupCodeAsync(cancellationToken);
        // The one value we deliberately log: it is single-use and only sets the first password.
        logger.LogWarning(
            "No admin password is set. Open /Account/FirstRun and enter the one-time setup code {SetupCode} "
            + "(or set Admin:Password)",
            code);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
