using Octokit;

namespace CodegenCicd.Projects;

/// <summary>Reads <c>.github/codegen-cicd.yml</c> at a commit and applies it over the project's settings.</summary>
public static class RepoConfigLoader
{
    public static async Task<RepoConfigResult> LoadAsync(IGitHubClient client, string owner, string name, string sha, PipelineConfig settings)
    {
        string? yaml;
        try
        {
            var contents = await client.Repository.Content.GetAllContentsByRef(owner, name, RepoConfigFile.Path, sha);
            yaml = contents.FirstOrDefault()?.Content;
        }
        catch (NotFoundException)
        {
            yaml = null;
        }
        return RepoConfigFile.Apply(settings, yaml);
    }
}
