using System.Security.Cryptography;
using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Installations;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Setup;

/// <summary>
/// Stores the credentials of an App created elsewhere, after GitHub confirms the id and key belong together.
/// </summary>
public sealed class ImportModel(GitHubAppApi api, AppCredentialsProvider credentials, IBackgroundJobClient jobs)
    : PageModel
{
    [BindProperty]
    public long? AppId { get; set; }

    [BindProperty]
    public string PrivateKey { get; set; } = "";

    [BindProperty]
    public string WebhookSecret { get; set; } = "";

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Error = Validate();
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var candidate = new AppCredentials(AppId, PrivateKey.Trim(), WebhookSecret, CredentialSource.Database);
        GitHubApp app;
        try
        {
            app = await api.GetAppAsync(candidate, cancellationToken);
        }
        catch (Exception ex) when (ex is GitHubApiException or HttpRequestException)
        {
            Error = $"GitHub did not accept this App id and key: {ex.Message}";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await credentials.SaveAsync(new NewAppCredentials(AppId!.Value, PrivateKey.Trim(), WebhookSecret, app.Slug,
            app.HtmlUrl, app.ClientId, ClientSecret: null), cancellationToken);
        await HttpContext.RequestServices.GetRequiredService<CodegenCicd.Audit.IAuditLog>()
            .RecordAsync(new(CodegenCicd.Audit.AuditActions.Setup, null, "imported App " + app.Slug),
                cancellationToken);
        jobs.Enqueue<InstallationSyncJob>(job => job.RunAsync(CancellationToken.None));
        return Redirect("/installations");
    }

    private string? Validate()
    {
        if (AppId is not > 0)
        {
            return "The App id is the number on the App's settings page (About → App ID).";
        }
        if (string.IsNullOrWhiteSpace(WebhookSecret))
        {
            return "A webhook secret is required: without it deliveries could not be verified.";
        }
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(PrivateKey.Trim());
            return null;
        }
        catch (ArgumentException)
        {
            return "The private key must be the PEM file GitHub generated (-----BEGIN RSA PRIVATE KEY----- …).";
        }
    }
}
