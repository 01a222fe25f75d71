using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Installations;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Installations;

/// <summary>
/// Who installed the App, which repositories it reaches, and whether it is suspended; a sync reconciles with GitHub.
/// </summary>
public sealed class IndexModel(InstallationStore store, ProjectLookup projects, InstallationSync sync) : PageModel
{
    public sealed record RepositoryItem(string FullName, bool IsActive, bool IsPinned, bool IsPrivate);

    public sealed record InstallationItem(long Id, string Account, string? AccountType, string? Selection,
        string? HtmlUrl, bool IsSuspended, bool IsDeleted, IReadOnlyList<RepositoryItem> Repositories);

    public IReadOnlyList<InstallationItem> Items { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var installations = await store.ListAsync(cancellationToken);
        var byInstallation = (await projects.ListInstalledAsync(cancellationToken))
            .ToLookup(p => p.InstallationId!.Value,
                p => new RepositoryItem(p.FullName, p.IsActive, p.IsPinned, p.IsPrivate));
        Items = installations.Select(i => new InstallationItem(i.Id, i.AccountLogin, i.AccountType,
            i.RepositorySelection, i.HtmlUrl, i.IsSuspended, i.IsDeleted, byInstallation[i.Id].ToList())).ToList();
    }

    public async Task<IActionResult> OnPostSyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            var summary = await sync.RunAsync(cancellationToken);
            Message = $"Synced with GitHub: {summary.Installations} installation(s), "
                + $"{summary.Repositories} repositories.";
        }
        catch (Exception ex) when (ex is GitHubApiException or GitHubAppNotConfiguredException or HttpRequestException)
        {
            Message = $"Sync failed: {ex.Message}";
        }
        return RedirectToPage();
    }
}
