using CodegenCicd.GitHub;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Setup;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pages.Setup;

/// <summary>
/// Step 1 of the manifest flow (like Probot's /probot): build the manifest with this server's public
/// URL and hand the browser a form that posts it to GitHub, with a <c>state</c> kept in a cookie.
/// </summary>
public sealed class IndexModel(
    AppCredentialsProvider credentials, AppManifest manifest, SetupState state, IOptions<GitHubOptions> options)
    : PageModel
{
    [BindProperty]
    public string PublicUrl { get; set; } = "";

    /// <summary>
    /// An organization login: the App is created under that organization instead of the admin's account.
    /// </summary>
    [BindProperty]
    public string? Organization { get; set; }

    [BindProperty]
    public string? AppName { get; set; }

    public AppCredentials? Current { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Set after the POST: where the browser sends the manifest, and what it sends.</summary>
    public (string Action, string Manifest)? GitHubForm { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Current = await credentials.GetAsync(cancellationToken);
        PublicUrl = $"{Request.Scheme}://{Request.Host}";
    }

    /// <summary>The pre-filled address is this machine's own: say so before the admin submits it.</summary>
    public bool PublicUrlIsLoopback => Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) && url.IsLoopback;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Current = await credentials.GetAsync(cancellationToken);
        if (!Uri.TryCreate(PublicUrl?.Trim(), UriKind.Absolute, out var publicUrl)
            || publicUrl.Scheme is not ("http" or "https"))
        {
            Error = "The public URL must be an absolute http(s) URL that GitHub can reach, "
                + "e.g. https://ci.example.com.";
            return Page();
        }
        if (publicUrl.IsLoopback && !options.Value.WebUrl.IsLoopback)
        {
            // GitHub would create an App whose webhooks can never arrive.
            Error = $"{publicUrl.Host} is only reachable from this machine, "
                + "so GitHub could not deliver webhooks to it. "
                + "Enter the address GitHub can reach (your server's public URL, or a tunnel's).";
            return Page();
        }
        if (!string.IsNullOrWhiteSpace(Organization)
            && !Organization.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            Error = "An organization login has only letters, digits and hyphens.";
            return Page();
        }
        var issued = state.Issue(Response);
        var web = options.Value.WebUrl.ToString().TrimEnd('/');
        var path = string.IsNullOrWhiteSpace(Organization)
            ? "/settings/apps/new"
            : $"/organizations/{Uri.EscapeDataString(Organization.Trim())}/settings/apps/new";
        GitHubForm = ($"{web}{path}?state={issued}", manifest.Build(publicUrl, AppName));
        return Page();
    }
}
