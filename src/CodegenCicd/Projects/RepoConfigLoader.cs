using Octokit;

namespace CodegenCicd.Projects;

/// <summary>
/// Reads <c>.github/codegen-cicd.yml</c> and applies it over the project's settings. What the PR
/// changes (deploy, analysis, web_eval) comes from its head; the <c>merge</c> section, which decides
/// whether the PR may merge itself, comes from the base branch, so a PR cannot grant itself auto-merge
/// (as Mergify and Kodiak do it). Without a usable file at the base, merging follows the project settings;
/// an invalid one is reported in <see cref="RepoConfigResult.BaseError"/> so the broken branch gets fixed.
/// A PR from a fork decides nothing at all: like <c>pull_request_target</c> in GitHub Actions, its whole
/// pipeline comes from the base branch's file, so it cannot empty the pages it is tested on or turn off its analysis.
/// </summary>
public static class RepoConfigLoader
{
    public static async Task<RepoConfigResult> LoadAsync(
        IGitHubClient client, string owner, string name, string headSha, string? baseRef, PipelineConfig settings,
        bool fromFork = false)
    {
        if (fromFork)
        {
            return await LoadFromBaseAsync(client, owner, name, baseRef, settings);
        }
        // The head's merge section is still parsed: its errors and unknown keys are reported now, before it
        // reaches the base.
        var head = RepoConfigFile.Apply(settings, await ReadAsync(client, owner, name, headSha));
        var trusted = string.IsNullOrEmpty(baseRef)
            ? null
            : RepoConfigFile.Apply(settings, await ReadAsync(client, owner, name, baseRef));
        var merge = trusted is { IsValid: true } ? trusted.Config.Merge : settings.Merge;
        return head with
        {
            Config = head.Config with { Merge = merge },
            BaseError = trusted is { IsValid: false } ? trusted.Error : null
        };
    }

    /// <summary>
    /// The base branch's file over the settings; a broken one leaves the settings alone and is reported, the
    /// run goes on.
    /// </summary>
    private static async Task<RepoConfigResult> LoadFromBaseAsync(
        IGitHubClient client, string owner, string name, string? baseRef, PipelineConfig settings)
    {
        if (string.IsNullOrEmpty(baseRef))
        {
            return new(settings, [], null);
        }
        var trusted = RepoConfigFile.Apply(settings, await ReadAsync(client, owner, name, baseRef));
        return trusted.IsValid ? trusted : new(settings, [], null) { BaseError = trusted.Error };
    }

    private static async Task<string?> ReadAsync(IGitHubClient client, string owner, string name, string reference)
    {
        try
        {
            var contents = await client.Repository.Content.GetAllContentsByRef(
                owner, name, RepoConfigFile.Path, reference);
            return contents.FirstOrDefault()?.Content;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
