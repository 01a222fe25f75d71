using Microsoft.AspNetCore.Authentication;

namespace CodegenCicd.Accounts;

/// <summary>
/// Who may open a PR's stable preview link (<c>/preview/{owner}/{repo}/{pr}/</c>): someone signed in
/// with read access to the repository (anonymous visitors are sent to sign in and come back). The
/// link is made of the repository and PR number, so anyone could guess it: it is never open to all.
/// Sharing with people outside the team is what the unguessable capability link is for, which the PR
/// comment carries with <c>Previews:Access=link</c> (see <see cref="PreviewAccessOptions"/>).
/// </summary>
public static class PreviewLinkAccess
{
    /// <summary>True to go on; false when the answer (sign-in redirect, 404) has been written.</summary>
    public static async Task<bool> AllowAsync(HttpContext context, string repository)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            // The cookie scheme's challenge: to /Account/SignIn with this preview as the way back.
            await context.ChallengeAsync();
            return false;
        }
        var access = context.RequestServices.GetRequiredService<ProjectAccess>();
        if (await access.LevelAsync(repository, context.RequestAborted) >= AccessLevel.Read)
        {
            return true;
        }
        // Like GitHub for a private repository: nothing says whether a preview exists.
        await TypedResults.Problem(
            $"You have no read access to {repository} on GitHub, so its previews are not yours to open.",
            statusCode: StatusCodes.Status404NotFound, title: "No preview").ExecuteAsync(context);
        return false;
    }
}
