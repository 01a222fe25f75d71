using CodegenCicd.Cloudflare;
using CodegenCicd.Cloudflare.Gateway;
using CodegenCicd.Data;
using CodegenCicd.GitHub.Api;
using CodegenCicd.GitHub.Auth;
using CodegenCicd.GitHub.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pages.Gateway;

/// <summary>
/// The Cloudflare webhook gateway: how it is configured, deploy or redeploy it, what it holds, and
/// where GitHub sends the App's deliveries (the gateway, or this app directly).
/// </summary>
public sealed class IndexModel(
    IOptions<CloudflareOptions> options, GatewayLocator locator, GatewayDeployer deployer, GatewayWorkerClient worker,
    GitHubAppApi github, DeliveryQueries deliveries) : PageModel
{
    public CloudflareOptions Settings => options.Value;

    public GatewayDeployment? LastDeployment { get; private set; }

    public Uri? WorkerUrl { get; private set; }

    public GatewayHealth? Health { get; private set; }

    public string? HealthError { get; private set; }

    /// <summary>Whether the last delivery the Worker accepted is stored here (and how it ended).</summary>
    public DeliveryStatus? LastDeliveryHere { get; private set; }

    public string? HookUrl { get; private set; }

    public string? HookError { get; private set; }

    public Uri AppWebhookUrl =>
        Settings.OriginUrl ?? new Uri($"{Request.Scheme}://{Request.Host}{WebhookEndpoint.Path}");

    public bool HookPointsAtGateway => WorkerUrl is not null && HookUrl is not null
        && Uri.TryCreate(HookUrl, UriKind.Absolute, out var hook) && hook.Host == WorkerUrl.Host;

    [TempData]
    public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        LastDeployment = await locator.LastDeploymentAsync(cancellationToken);
        WorkerUrl = await locator.WorkerUrlAsync(cancellationToken);
        if (WorkerUrl is not null)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                Health = await worker.GetHealthAsync(WorkerUrl, timeout.Token);
            }
            catch (Exception ex)
                when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                HealthError = ex.Message;
            }
        }
        if (Health?.LastDelivery is { } last)
        {
            LastDeliveryHere = (await deliveries.FindAsync(last.Guid, cancellationToken))?.Status;
        }
        try
        {
            HookUrl = (await github.GetHookConfigAsync(cancellationToken)).Url;
        }
        catch (Exception ex) when (ex is GitHubApiException or GitHubAppNotConfiguredException or HttpRequestException)
        {
            HookError = ex.Message;
        }
    }

    public async Task<IActionResult> OnPostDeployAsync(CancellationToken cancellationToken)
    {
        var deployment = await deployer.DeployAsync(cancellationToken);
        Message = deployment.Succeeded
            ? $"Deployed {deployment.WorkerName} in {deployment.Mode.ToString().ToLowerInvariant()} mode "
                + $"at {deployment.WorkerUrl}."
            : $"Deploying the gateway failed: {deployment.Error}";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPointAtGatewayAsync(CancellationToken cancellationToken)
    {
        var url = await locator.WorkerUrlAsync(cancellationToken);
        Message = url is null
            ? "The gateway has no URL yet: deploy it, or set Cloudflare:WorkerUrl."
            : await SetHookAsync(url, "the gateway", cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPointAtAppAsync(CancellationToken cancellationToken)
    {
        Message = await SetHookAsync(AppWebhookUrl, "this app", cancellationToken);
        return RedirectToPage();
    }

    private async Task<string> SetHookAsync(Uri url, string what, CancellationToken cancellationToken)
    {
        try
        {
            var config = await github.SetHookUrlAsync(url, cancellationToken);
            return $"GitHub now sends the App's deliveries to {what}: {config.Url}";
        }
        catch (Exception ex) when (ex is GitHubApiException or GitHubAppNotConfiguredException or HttpRequestException)
        {
            return $"GitHub did not change the webhook URL: {ex.Message}";
        }
    }
}
