using CodegenCicd.Accounts;
using CodegenCicd.Audit;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Projects;

/// <summary>One dashboard card: the project and what is happening in it.</summary>
public sealed record ProjectCard(ProjectListItem Project, ProjectActivity Activity);

/// <summary>
/// The projects dashboard: a card per pinned project (those the person may see), add from the App's
/// repositories (app-wide admins), remove (admin access to the repository).
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
public sealed class IndexModel(
    ProjectCatalog catalog, IProjectActivity activity, AppCredentialsProvider credentials, ProjectAccess access,
    IAuditLog audit)
    : PageModel
{
    /// <summary>False until a GitHub App is set up (then no repository can be reached yet).</summary>
    public bool AppConfigured { get; private set; }

    public IReadOnlyList<ProjectCard> Cards { get; private set; } = [];

    public IReadOnlyList<string> Pinnable { get; private set; } = [];

    [BindProperty]
    public string? Repository { get; set; }

    [TempData]
    public string? Message { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>One card's HTML, fetched by the live-update script when its project changes.</summary>
    public async Task<IActionResult> OnGetCardAsync(int id, CancellationToken cancellationToken)
    {
        // A fragment fetched in the background must not use up the page's one-time message, nor write its
        // cookie (see ChangedOnlyTempDataProvider): it races the page a form's redirect leads to.
        TempData.Keep();
        if (await catalog.FindPinnedAsync(id, cancellationToken) is not { } project)
        {
            return NotFound();
        }
        if (await this.RefuseAsync(id, AccessLevel.Read, "see this project") is { } refused)
        {
            return refused;
        }
        var now = await activity.GetAsync([id], cancellationToken);
        var item = new ProjectListItem(project.Id, project.FullName, project.DefaultBranch, project.IsActive,
            project.IsPrivate, project.UpdatedAt);
        return Partial("_ProjectCard", new ProjectCard(item, now.GetValueOrDefault(id) ?? ProjectActivity.None));
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (!User.IsAppAdmin())
        {
            return new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                Content = "Adding a project is for app-wide admins (Admin:Logins or the admin password)."
            };
        }
        if (string.IsNullOrWhiteSpace(Repository))
        {
            Error = "Choose a repository to add.";
        }
        else if (await catalog.PinAsync(Repository, cancellationToken) is { } pinned)
        {
            Message = $"Added {pinned.Project.FullName}.";
            if (pinned.NewlyPinned)
            {
                await audit.RecordAsync(
                    new(AuditActions.ProjectPin, pinned.Project.Id, pinned.Project.FullName), cancellationToken);
            }
        }
        else
        {
            Error = $"The App cannot reach {Repository}: "
                + "install the GitHub App on it (see Installations), then try again.";
        }
        if (Error is not null)
        {
            await LoadAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, CancellationToken cancellationToken)
    {
        var project = await catalog.FindPinnedAsync(id, cancellationToken);
        if (project is not null && await this.RefuseAsync(id, AccessLevel.Admin, "remove this project") is { } refused)
        {
            return refused;
        }
        switch (await catalog.UnpinAsync(id, cancellationToken))
        {
            case UnpinOutcome.Unpinned:
                await audit.RecordAsync(new(AuditActions.ProjectUnpin, id, project!.FullName), cancellationToken);
                Message = $"Removed {project!.FullName}. Its history is kept; add it again any time.";
                return RedirectToPage();
            case UnpinOutcome.WorkInProgress:
                Error = $"{project!.FullName} has a run in progress. "
                    + "Cancel it or let it finish, then remove the project.";
                break;
            default:
                Error = "That project is not on the dashboard any more.";
                break;
        }
        await LoadAsync(cancellationToken);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        AppConfigured = await credentials.GetAsync(cancellationToken) is not null;
        var visible = await access.VisibleProjectIdsAsync(cancellationToken);
        // The dashboard shows every project the person may see on one page.
        var projects = await catalog.ListPinnedAsync(
            new ProjectPage(Visible: visible, Limit: int.MaxValue), cancellationToken);
        var now = await activity.GetAsync([.. projects.Select(p => p.Id)], cancellationToken);
        Cards = [.. projects.Select(p => new ProjectCard(p, now.GetValueOrDefault(p.Id) ?? ProjectActivity.None))];
        Pinnable = User.IsAppAdmin() ? await catalog.ListPinnableAsync(cancellationToken) : [];
    }
}
