using System.Text.Json;
using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Webhooks;
using CodegenCicd.GitHub.Installations.AutoPin;

namespace CodegenCicd.GitHub.Installations;

/// <summary>
/// <c>installation</c> (created, deleted, suspend, unsuspend, new_permissions_accepted) and
/// <c>installation_repositories</c> (added, removed) keep installations and projects current.
/// </summary>
internal sealed class InstallationEventsHandler(
    InstallationStore store, InstallationTokenCache tokens, InstallationLocks locks, ProjectAutoPin autoPin)
    : IWebhookEventHandler
{
    public IReadOnlyCollection<string> Events { get; } = ["installation", "installation_repositories"];

    public async Task HandleAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var payload = webhookEvent.Payload;
        if (!payload.TryGetProperty("installation", out var installationJson))
        {
            return;
        }
        var installation = installationJson.Deserialize<GitHubInstallation>()!;
        using var _ = await locks.AcquireAsync(installation.Id, cancellationToken);
        switch (webhookEvent.Event, webhookEvent.Action)
        {
            case ("installation", "deleted"):
                tokens.Forget(installation.Id);
                await store.UpsertAsync(installation, cancellationToken);
                await store.MarkDeletedAsync(installation.Id, cancellationToken);
                break;
            case ("installation", "suspend"):
                tokens.Forget(installation.Id);
                await store.UpsertAsync(installation, cancellationToken);
                await store.SetSuspendedAsync(installation.Id, true, cancellationToken);
                break;
            case ("installation", "unsuspend"):
                await store.UpsertAsync(installation with { SuspendedAt = null }, cancellationToken);
                await store.SetSuspendedAsync(installation.Id, false, cancellationToken);
                break;
            case ("installation", var action):
                await store.UpsertAsync(installation, cancellationToken);
                await store.AddRepositoriesAsync(
                    installation.Id, Repositories(payload, "repositories"), cancellationToken);
                if (action == "created")
                {
                    await autoPin.PinAsync(installation.Id, Repositories(payload, "repositories"), cancellationToken);
                }
                break;
            case ("installation_repositories", _):
                await store.UpsertAsync(installation, cancellationToken);
                await store.AddRepositoriesAsync(
                    installation.Id, Repositories(payload, "repositories_added"), cancellationToken);
                await autoPin.PinAsync(installation.Id, Repositories(payload, "repositories_added"), cancellationToken);
                await store.RemoveRepositoriesAsync(installation.Id,
                    Repositories(payload, "repositories_removed").Select(r => r.Id), cancellationToken);
                break;
        }
    }

    private static List<GitHubRepository> Repositories(JsonElement payload, string property) =>
        payload.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.Deserialize<List<GitHubRepository>>() ?? []
            : [];
}
