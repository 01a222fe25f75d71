using CodegenCicd.Pipelines.Runs;
using CodegenCicd.Projects;

namespace CodegenCicd.Pipelines.Stages;

/// <summary>What the analysis check run says about the repo file beyond its own result: ignored keys, a broken base-branch file.</summary>
public static class ConfigNotes
{
    public static string Markdown(PipelineRun run)
    {
        var notes = "";
        if (run.ConfigWarnings is { Length: > 0 } unknown)
        {
            notes += $"\n\n**Unknown keys in `{RepoConfigFile.Path}`** (ignored): {unknown}";
        }
        if (run.BaseConfigError is { Length: > 0 } error)
        {
            notes += $"\n\n**`{RepoConfigFile.Path}` on `{run.BaseBranch}` is invalid**, so its `merge` section is ignored and "
                + $"merging follows the project's settings until `{run.BaseBranch}` is fixed:\n\n```\n{error}\n```";
        }
        return notes;
    }
}
