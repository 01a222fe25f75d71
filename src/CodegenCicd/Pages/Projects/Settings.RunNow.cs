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
        await WriteAsync(
            $"Running {deploy.Setup.Count} setup command(s) of {Project.FullName} on branch {branch} in a sandbox…\n",
            cancellationToken);
        if (await ResolveBranchAsync(branch, cancellationToken) is not { } headSha)
        {
            return new EmptyResult();
        }
        var source = new SandboxSource(
            Project.Id, Project.FullName, PullRequest: 0, HeadSha: headSha,
            // The web host's clone URL, so GitHub Enterprise Server projects fetch from their own host.
            new Uri(services.GetRequiredService<IOptions<GitHubOptions>>().Value.WebUrl, $"{Project.FullName}.git"),
            Project.InstallationId,
            await secrets.GetValuesAsync(id, cancellationToken));
        // "Run now" checks the setup commands; it does not serve the app.
        var result = await deployments.PrepareAsync(source, deploy, cancellationToken);
        if (result.SnapshotRestored)
        {
            await WriteAsync($"Restored the snapshot {result.SnapshotKey} (same setup and lockfiles): "
                + "setup did not need to run again.\n", cancellationToken);
        }
        foreach (var command in result.Commands)
        {
            await WriteAsync(
                $"$ {command.Command}\n{command.OutputTail.TrimEnd()}\n" +
                $"→ {(command.TimedOut ? "timed out" : $"exit {command.ExitCode}")} "
                + $"after {command.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s\n\n",
                cancellationToken);
        }
        await WriteAsync(
            result.Succeeded ? "All setup commands succeeded.\n"
            : result.InfrastructureError ? $"The sandbox could not run them: {result.Error}\n"
            : $"Setup failed: {result.Error ?? "a command failed"}.\n",
            cancellationToken);
        return new EmptyResult();
    }

    /// <summary>
    /// The sandbox fetches exactly one commit; ask GitHub (as the App) which one the branch points at.
    /// </summary>
    private async Task<string?> ResolveBranchAsync(string branch, CancellationToken cancellationToken)
    {
        if (Project.InstallationId is not { } installationId)
        {
            await WriteAsync($"The sandbox could not run them: {Project.FullName} has no GitHub App installation, "
                + $"so branch {branch} cannot be fetched.\n", cancellationToken);
            return null;
        }
        try
        {
            var client = await services.GetRequiredService<IGitHubAppClients>()
                .ForInstallationAsync(installationId, cancellationToken);
            var found = await client.Repository.Branch.Get(Project.Owner, Project.Name, branch);
            return found.Commit.Sha;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever GitHub (or a missing App configuration) says goes to the page, not to a broken stream.
            await WriteAsync($"The sandbox could not run them: branch {branch} of {Project.FullName} "
                + $"could not be read from GitHub: {ex.Message}\n", cancellationToken);
            return null;
        }
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await Response.WriteAsync(text, cancellationToken);
        await Response.Body.FlushAsync(cancellationToken);
    }
}
