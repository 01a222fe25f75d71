using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Credentials;
using CodegenCicd.GitHub.Installations;
using CodegenCicd.GitHub.Setup;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodegenCicd.Pages.Setup;

/// <summary>
/// Step 2: GitHub redirects here with <c>code</c> and <c>state</c>. The state must match the cookie;
/// the code is converted into the App's credentials, which are stored encrypted and take effect at
/// once; the admin is sent on to install the App.
/// </summary>
public sealed class CompleteModel(
    SetupState state, GitHubAppApi api, AppCredentialsProvider credentials, IBackgroundJobClient jobs,
    ILogger<CompleteModel> logger) : PageModel
{
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(
        string? code, [FromQuery(Name = "state")] string? returnedState, CancellationToken cancellationToken)
    {
        if (!state.Verify(Request, Response, returnedState))
        {
            Error = "This setup link does not match the one this browser started (or it is over an hour old). "
                + "Start again from /setup.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (string.IsNullOrWhiteSpace(code))
        {
            Error = "GitHub did not send a code back. Start again from /setup.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        ManifestConversion conversion;
        try
        {
            conversion = await api.ConvertManifestAsync(code, cancellationToken);
        }
        catch (Exception ex) when (ex is GitHubApiException or HttpRequestException)
        {
            logger.LogWarning("Manifest conversion failed: {Reason}", ex.Message);
            Error = $"GitHub did not convert the code ({ex.Message}). "
                + "Codes are valid for one hour and only once: start again from /setup.";
            Response.StatusCode = StatusCodes.Status502BadGateway;
            return Page();
        }
        if (string.IsNullOrEmpty(conversion.WebhookSecret))
        {
            Error = "GitHub created the App without a webhook secret, so its deliveries could not be verified. "
                + "Set one on GitHub and import the App.";
            Response.StatusCode = StatusCodes.Status502BadGateway;
            return Page();
        }
        await credentials.SaveAsync(new NewAppCredentials(conversion.Id, conversion.Pem, conversion.WebhookSecret,
            conversion.Slug, conversion.HtmlUrl, conversion.ClientId, conversion.ClientSecret), cancellationToken);
        await HttpContext.RequestServices.GetRequiredService<CodegenCicd.Audit.IAuditLog>()
            .RecordAsync(new(CodegenCicd.Audit.AuditActions.Setup, null, "created App " + conversion.Slug),
                cancellationToken);
        jobs.Enqueue<InstallationSyncJob>(job => job.RunAsync(CancellationToken.None));
        return Redirect($"{conversion.HtmlUrl.TrimEnd('/')}/installations/new");
    }
}
