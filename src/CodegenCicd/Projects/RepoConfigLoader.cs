using Octokit;

namespace CodegenCicd.Projects;

/// <summary>
/// Reads <c>.github/codegen-cicd.yml</c> and applies it over the project's settings. What the PR
/// changes (deploy, analysis, web_eval) comes from its head; the <c>merge</c> section, which decides
/// whether the PR may merge itself, comes from the base branch, so a PR cannot grant itself auto-merge
/// (as Mergify and Kodiak do it). Without a usable file at the base, merging follows the project settings;
/// an invalid one is reported in <see cref="RepoConfigResult.BaseError"/> so the broken branch gets fixed.
/// </summary>
public static class RepoConfigLoader
{
    public static async Task<RepoConfigResult> LoadAsync(IGitHubClient client, string owner, string name, string headSha, string? baseRef, PipelineConfig settings)
    {
        // The head's merge section is still parsed: its errors and unknown keys are reported now, before it reaches the base.
        var head = RepoConfigFile.Apply(settings, await ReadAsync(client, owner, name, headSha));
        var trusted = string.IsNullOrEmpty(baseRef) ? null : RepoConfigFile.Apply(settings, await ReadAsync(client, owner, name, baseRef));
        var merge = trusted is { IsValid: true } ? trusted.Config.Merge : settings.Merge;
        return head with { Config = head.Config with { Merge = merge }, BaseError = trusted is { IsValid: false } ? trusted.Error : null };
    }

    private static async Task<string?> ReadAsync(IGitHubClient client, string owner, string name, string reference)
    {
        try
        {
            var contents = await client.Repository.Content.GetAllContentsByRef(owner, name, RepoConfigFile.Path, reference);
            return contents.FirstOrDefault()?.Content;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
