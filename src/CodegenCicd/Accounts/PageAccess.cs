using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Accounts;

/// <summary>
/// The pages' side of <see cref="ProjectAccess"/>: 404 for a project the person may not see, 403 with the reason
/// for an action they may not take.
/// </summary>
public static class PageAccess
{
    public static async Task<IActionResult?> RefuseAsync(
        this PageModel page, int projectId, AccessLevel needed, string action)
    {
        var access = page.HttpContext.RequestServices.GetRequiredService<ProjectAccess>();
        var cancellationToken = page.HttpContext.RequestAborted;
        if (await access.CheckAsync(projectId, needed, action, cancellationToken) is not { } refusal)
        {
            return null;
        }
        return needed > AccessLevel.Read && await access.LevelAsync(projectId, cancellationToken) >= AccessLevel.Read
            ? new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden, ContentType = "text/plain; charset=utf-8",
                Content = refusal.Reason
            }
            : page.NotFound();
    }

    /// <summary>The signed-in person's level on a project, for pages that show or hide buttons.</summary>
    public static Task<AccessLevel> AccessLevelAsync(this PageModel page, int projectId) =>
        page.HttpContext.RequestServices.GetRequiredService<ProjectAccess>()
            .LevelAsync(projectId, page.HttpContext.RequestAborted);
}
