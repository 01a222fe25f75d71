namespace CodegenCicd.GitHub;

/// <summary>
/// Deliveries run in parallel, so a <c>pull_request.closed</c> may be handled after the
/// <c>reopened</c> that followed it; acting on it then would cancel the reopened PR's run or tear
/// its preview down. GitHub says which is current. A merged PR cannot reopen, and when GitHub cannot
/// be asked the close is acted on.
/// </summary>
public static class PullRequestReopenCheck
{
    public static async Task<bool> ReopenedSinceCloseAsync(
        IGitHubAppClients clients, long? installationId, string repository, int number, bool merged, ILogger logger)
    {
        if (merged || installationId is not { } installation || repository.Split('/') is not [var owner, var name])
        {
            return false;
        }
        try
        {
            var client = await clients.ForInstallationAsync(installation, CancellationToken.None);
            var open = (await client.PullRequest.Get(owner, name, number)).State.Value == Octokit.ItemState.Open;
            if (open)
            {
                logger.LogInformation(
                    "PR {Repository}#{PullRequest} was reopened before its close was handled; the close is ignored",
                    repository, number);
            }
            return open;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogInformation(
                "Could not ask GitHub whether PR {Repository}#{PullRequest} is still closed: {Reason}",
                repository, number, e.Message);
            return false;
        }
    }
}
