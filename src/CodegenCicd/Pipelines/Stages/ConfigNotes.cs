using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>
/// What the analysis check run says about the repo file beyond its own result: ignored keys, a broken base-branch
/// file.
/// </summary>
public static class ConfigNotes
{
    public static string Markdown(PipelineRun run)
    {
        var notes = "";
        if (run.FromFork)
        {
            notes += $"\n\n**From a fork:** this pipeline follows `{RepoConfigFile.Path}` on `{run.BaseBranch}` "
                + "and the project's settings; the pull request's own changes to that file are ignored.";
        }
        if (run.ConfigWarnings is { Length: > 0 } unknown)
        {
            notes += $"\n\n**Unknown keys in `{RepoConfigFile.Path}`** (ignored): {unknown}";
        }
        if (run.BaseConfigError is { Length: > 0 } error)
        {
            notes += run.FromFork
                ? $"\n\n**`{RepoConfigFile.Path}` on `{run.BaseBranch}` is invalid**, "
                    + "so this fork's pipeline follows the project's settings "
                    + $"until `{run.BaseBranch}` is fixed:\n\n```\n{error}\n```"
                : $"\n\n**`{RepoConfigFile.Path}` on `{run.BaseBranch}` is invalid**, "
                    + "so its `merge` section is ignored and "
                    + $"merging follows the project's settings until `{run.BaseBranch}` is fixed:\n\n```\n{error}\n```";
        }
        return notes;
    }
}
