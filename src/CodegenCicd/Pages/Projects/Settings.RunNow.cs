using System.Globalization;
using CodegenCicd.GitHub;
using CodegenCicd.Projects;
using CodegenCicd.Sandboxes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CodegenCicd.Pages.Projects;

/// <summary>
/// The Deploy tab's "Run now": runs the saved setup commands in a sandbox on the chosen branch and
/// streams progress as plain text (the page's script appends it as it arrives). Output is masked by the sandbox.
/// </summary>
public sealed partial class SettingsModel
{
    public async Task<IActionResult> OnPostRunNowAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        Response.ContentType = "text/plain; charset=utf-8";
        Response.Headers.CacheControl = "no-store";
        var deploy = Project.Settings.Pipeline.Deploy;
        var deployments = services.GetRequiredService<IPreviewDeployments>();
        if (deploy.Setup.Count == 0)
        {
            await WriteAsync("No setup commands saved yet: add them above, save, then run them.\n", cancellationToken);
            return new EmptyResult();
        }
        var branch = Project.Settings.DeployTestBranch is { Length: > 0 } b ? b : Project.DefaultBranch;
        await WriteAsync($"Running {deploy.Setup.Count} setup command(s) of {Project.FullName} on branch {branch} in a sandbox…\n", cancellationToken);
        var source = new SandboxSource(
            Project.Id, Project.FullName, PullRequest: 0, HeadSha: branch,
            // The web host's clone URL, so GitHub Enterprise Server projects fetch from their own host.
            new Uri(services.GetRequiredService<IOptions<GitHubOptions>>().Value.WebUrl, $"{Project.FullName}.git"), Project.InstallationId,
            await secrets.GetValuesAsync(id, cancellationToken));
        try
        {
            // Start stays empty: "Run now" checks the setup commands, it does not serve the app.
            var result = await deployments.DeployAsync(source, deploy with { Start = null }, cancellationToken);
            foreach (var command in result.Commands)
            {
                await WriteAsync(
                    $"$ {command.Command}\n{command.OutputTail.TrimEnd()}\n" +
                    $"→ {(command.TimedOut ? "timed out" : $"exit {command.ExitCode}")} after {command.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s\n\n",
                    cancellationToken);
            }
            await WriteAsync(
                result.Succeeded ? "All setup commands succeeded.\n"
                : result.InfrastructureError ? $"Sandbox not available: {result.Error}\n"
                : $"Setup failed: {result.Error ?? "a command failed"}.\n",
                cancellationToken);
        }
        finally
        {
            await deployments.TeardownAsync(Project.FullName, 0, CancellationToken.None);
        }
        return new EmptyResult();
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await Response.WriteAsync(text, cancellationToken);
        await Response.Body.FlushAsync(cancellationToken);
    }
}
